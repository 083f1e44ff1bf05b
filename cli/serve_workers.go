package cli

import (
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/metrics"
)

// workerHealth reports the server's background workers to /readyz: the
// workers registered in the metrics package (policy scheduler, SNMP
// scheduler, Git syncer) with their last progress and interval.
func workerHealth() []httpapi.WorkerHealth {
	states := metrics.WorkerStatus()
	out := make([]httpapi.WorkerHealth, len(states))
	for i, ws := range states {
		out[i] = httpapi.WorkerHealth{Name: ws.Name, LastProgress: ws.LastProgress, Interval: ws.Interval, Healthy: ws.Healthy}
	}
	return out
}
