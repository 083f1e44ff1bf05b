package metrics

import "testing"

func TestObserveCluster(t *testing.T) {
	ObserveCluster(3, 1, true, 7)
	for name, want := range map[string]float64{"unet_cluster_leader": 1, "unet_cluster_lease_token": 7} {
		if got := mustSample(t, name, nil); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for state, want := range map[string]float64{"live": 3, "dead": 1} {
		if got := mustSample(t, "unet_cluster_members", map[string]string{"state": state}); got != want {
			t.Errorf("members %s = %v, want %v", state, got, want)
		}
	}
	ObserveCluster(2, 0, false, 8)
	if got := mustSample(t, "unet_cluster_leader", nil); got != 0 {
		t.Errorf("a follower reports leader %v", got)
	}
}
