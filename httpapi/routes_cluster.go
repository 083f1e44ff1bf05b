package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet/cluster"
)

// clusterRoutes are the routes of the replicas' coordination.
func (s *Server) clusterRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/cluster", Permission: PermNodesRead, OperationID: "getClusterStatus",
			Tag: "cluster", Summary: "The replicas sharing the database: members, their last heartbeat, the leader and each member's share of the SNMP targets",
			Status: http.StatusOK, Result: cluster.Status{}, handle: s.clusterStatus},
	}
}
