package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/sqlstore"
)

// gitCache holds what a service derives from the active snapshots (the
// policy files per environment). It is used only while a LISTEN connection
// tells this replica about every activation (PostgreSQL, StartGitWatch);
// otherwise every request reads the active state from the database.
type gitCache struct {
	mu sync.Mutex
	// gen grows at every invalidation: a lookup started before one does
	// not fill the cache.
	gen uint64
	// events counts the invalidations other than the periodic check's
	// (notices, local commits, connection changes).
	events    uint64
	listening bool
	policies  map[string]cachedPolicies
}

type cachedPolicies struct {
	files []unet.PolicyFile
	label string
}

// invalidateGit drops the cached Git state: the next request reads the
// active commits from the database.
func (s *Service) invalidateGit() {
	c := &s.git.cache
	c.mu.Lock()
	c.events++
	c.mu.Unlock()
	s.dropGitCache()
}

// gitEvents returns the count of invalidations by events.
func (s *Service) gitEvents() uint64 {
	c := &s.git.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.events
}

func (s *Service) dropGitCache() {
	c := &s.git.cache
	c.mu.Lock()
	c.gen++
	c.policies = nil
	c.mu.Unlock()
	s.demo.mu.Lock()
	s.demo.byDir = nil
	s.demo.mu.Unlock()
}

func (s *Service) setGitListening(on bool) {
	c := &s.git.cache
	c.mu.Lock()
	c.listening = on
	c.mu.Unlock()
	s.invalidateGit()
}

// GitCacheActive reports whether this service caches the Git state (its
// LISTEN connection is up).
func (s *Service) GitCacheActive() bool {
	c := &s.git.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.listening
}

// ActivePolicyFiles returns the rule files of the active snapshots of
// environment env (a node's environment; one the sources do not define uses
// their default one) and a label "git:NAME@COMMIT" naming where they come
// from. With several policy sources, file names are prefixed with the source
// name and the labels joined by commas.
func (s *Service) ActivePolicyFiles(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
	if canaryFrom(ctx) != nil {
		// A canary's candidate is not the environment's active version.
		return s.activePolicyFiles(ctx, env)
	}
	c := &s.git.cache
	c.mu.Lock()
	if p, ok := c.policies[env]; ok && c.listening {
		c.mu.Unlock()
		return slices.Clone(p.files), p.label, nil
	}
	gen, listening := c.gen, c.listening
	c.mu.Unlock()
	files, label, err := s.activePolicyFiles(ctx, env)
	if err != nil || !listening {
		return files, label, err
	}
	c.mu.Lock()
	if c.gen == gen && c.listening {
		if c.policies == nil {
			c.policies = map[string]cachedPolicies{}
		}
		c.policies[env] = cachedPolicies{files: slices.Clone(files), label: label}
	}
	c.mu.Unlock()
	return files, label, nil
}

// GitWatchOptions configure StartGitWatch.
type GitWatchOptions struct {
	// Check is how often the active commits are compared with the last
	// ones seen, whatever the engine: the fallback when a notification is
	// lost (default 30s).
	Check time.Duration
	// Logger receives the watch's messages (default: discarded).
	Logger *slog.Logger
}

// StartGitWatch keeps this replica's view of the Git sources current until
// ctx ends: on PostgreSQL it LISTENs for the activations of every replica
// (reconnecting with backoff; the cache is off while the connection is
// down) and restores each newly activated snapshot at once; on both
// engines it compares the active commits every Check and drops the cached
// state when they moved. The returned function waits until it has stopped.
func (s *Service) StartGitWatch(ctx context.Context, o GitWatchOptions) (wait func()) {
	if o.Check <= 0 {
		o.Check = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.checkGitLoop(ctx, o)
	}()
	if s.db.Engine() == sqlstore.Postgres {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.setGitListening(false)
			// Listen only returns when ctx ends.
			_ = s.db.Listen(ctx, sqlstore.Listener{
				Channel: sqlstore.GitNotifyChannel,
				OnConnect: func() {
					o.Logger.Debug("Git watch: listening for activations", slog.String("channel", sqlstore.GitNotifyChannel))
					s.setGitListening(true)
				},
				OnDisconnect: func(err error) {
					o.Logger.Warn("Git watch: the notification connection was lost; reading the active commits from the database until it is back",
						slog.Any("error", err))
					s.setGitListening(false)
				},
				OnNotify: func(payload string) {
					s.invalidateGit()
					s.prepareNotice(ctx, payload, o.Logger)
				},
			})
		}()
	}
	return wg.Wait
}

// prepareNotice restores the snapshot a notice announces, so the first
// request for it does not pay for it.
func (s *Service) prepareNotice(ctx context.Context, payload string, log *slog.Logger) {
	var n gitNotice
	if err := json.Unmarshal([]byte(payload), &n); err != nil || n.Source == "" || n.Commit == "" {
		return
	}
	src, err := s.db.Reader().GetGitSource(ctx, n.Source)
	if err != nil {
		return
	}
	sy, err := s.syncer()
	if err != nil {
		return
	}
	snap, err := sy.Active(ctx, toGitsync(src), n.Environment)
	if err != nil {
		log.Debug("Git watch: cannot prepare the announced snapshot", slog.String("source", n.Source), slog.Any("error", err))
		return
	}
	snap.Release()
}

// checkGitLoop compares the active commits every o.Check and drops the
// cached state when they moved. It also drops it once after any other
// invalidation since the previous check: the cache may then hold a state
// newer than the one last compared, which a change without a notice could
// bring back.
func (s *Service) checkGitLoop(ctx context.Context, o GitWatchOptions) {
	tick := time.NewTicker(o.Check)
	defer tick.Stop()
	lastEvents := s.gitEvents()
	last, _ := s.gitFingerprint(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		events := s.gitEvents()
		fp, err := s.gitFingerprint(ctx)
		if err != nil {
			if ctx.Err() == nil {
				o.Logger.Warn("Git watch: cannot read the active commits", slog.Any("error", err))
			}
			continue
		}
		if fp != last || events != lastEvents {
			if fp != last {
				o.Logger.Debug("Git watch: the active commits moved")
			}
			s.dropGitCache()
			last, lastEvents = fp, events
		}
	}
}

// gitFingerprint digests the sources and their active snapshots.
func (s *Service) gitFingerprint(ctx context.Context) (string, error) {
	r := s.db.Reader()
	srcs, err := r.ListGitSources(ctx)
	if err != nil {
		return "", err
	}
	states, err := r.GitStates(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, src := range srcs {
		h.Write([]byte(src.Name + "\x00" + src.UpdatedAt.String() + "\x00"))
		var st gitsync.State
		if doc := states[src.Name]; doc != "" {
			if err := json.Unmarshal([]byte(doc), &st); err != nil {
				return "", err
			}
		}
		envs := make([]string, 0, len(st.Environments))
		for name := range st.Environments {
			envs = append(envs, name)
		}
		sort.Strings(envs)
		for _, name := range envs {
			es := st.Environments[name]
			h.Write([]byte(name + "\x00" + es.Snapshot + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
