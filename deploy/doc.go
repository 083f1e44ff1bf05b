// Package deploy holds no code: its tests check the monitoring files next
// to it (the Prometheus alert rules and their unit tests, the Grafana
// dashboard) with promtool, and check that they use only the metrics μNet
// exports and that every alert has a runbook in docs/runbooks.
package deploy
