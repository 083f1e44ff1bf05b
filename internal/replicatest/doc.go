// Package replicatest holds the multi-replica acceptance test and the
// replica benchmark: several `unet serve` processes on one PostgreSQL
// database behind HAProxy, with simulated SNMP devices. It has no code
// outside its tests.
package replicatest
