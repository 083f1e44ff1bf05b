package cluster

import (
	"context"
	"time"
)

// solo is the coordinator of a server that is alone: it always leads and
// owns every key. It writes nothing to the database, and its leader runs
// carry no fence (there is no lease row to check it against).
type solo struct {
	id      string
	started time.Time
}

// Solo returns a one-member coordinator named id, for tests and for
// servers that need no coordination: Leading is always true (token 1),
// RunAsLeader calls fn once, Owns is always true.
func Solo(id string) Coordinator {
	return &solo{id: id, started: time.Now().UTC()}
}

func (s *solo) Self() string { return s.id }

func (s *solo) Leading() (int64, bool) { return 1, true }

func (s *solo) RunAsLeader(ctx context.Context, job string, fn func(ctx context.Context)) {
	if ctx.Err() != nil {
		return
	}
	fn(ctx)
	<-ctx.Done()
}

func (s *solo) Owns(string) bool { return true }

func (s *solo) Status(context.Context) (Status, error) {
	now := time.Now().UTC()
	return Status{
		Self:   s.id,
		Leader: s.id,
		// A solo member's lease never ends: it is reported as one TTL
		// ahead, like a lease renewed just now.
		LeaseToken:   1,
		LeaseExpires: now.Add(DefaultLeaseTTL),
		Members: []Member{{ID: s.id, StartedAt: s.started, LastHeartbeat: now,
			Live: true, Leader: true}},
		HeartbeatSeconds: DefaultHeartbeat.Seconds(),
		LeaseTTLSeconds:  DefaultLeaseTTL.Seconds(),
	}, nil
}
