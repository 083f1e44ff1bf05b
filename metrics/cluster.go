package metrics

import "github.com/prometheus/client_golang/prometheus"

var (
	clusterMembers = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "unet_cluster_members",
		Help: "Members of the cluster by state (live: heartbeat younger than the lease TTL; dead: older), as this replica saw them at its last heartbeat.",
	}, []string{"state"})
	clusterLeader = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "unet_cluster_leader",
		Help: "1 while this replica holds the leader lease (and runs the singleton jobs), else 0.",
	})
	clusterLeaseToken = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "unet_cluster_lease_token",
		Help: "The fencing token of the leader lease at this replica's last heartbeat; it grows at every change of leader.",
	})
)

func init() {
	Registry.MustRegister(clusterMembers, clusterLeader, clusterLeaseToken)
}

// ObserveCluster records what one heartbeat of this replica saw: the live
// and dead members, whether it leads, and the lease's fencing token.
func ObserveCluster(live, dead int, leading bool, token int64) {
	clusterMembers.WithLabelValues("live").Set(float64(live))
	clusterMembers.WithLabelValues("dead").Set(float64(dead))
	v := 0.0
	if leading {
		v = 1
	}
	clusterLeader.Set(v)
	clusterLeaseToken.Set(float64(token))
}
