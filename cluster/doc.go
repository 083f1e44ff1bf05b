// Package cluster coordinates the replicas of `unet serve` that share one
// database: membership with heartbeats, one leader lease with fencing tokens
// for the singleton background jobs (scheduled evaluation, the Git sync
// schedule, canary expiry, outbox delivery), and the partition of SNMP
// targets over the live members by rendezvous hashing. Everything goes
// through the database: no other infrastructure.
package cluster
