package httpapi

import (
	"container/list"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/unet-dev/unet"
)

// RateLimit is a token bucket: Rate requests per second on average, up to
// Burst at once. A zero Rate turns the limit off.
type RateLimit struct {
	Rate  float64
	Burst int
}

// Enabled reports whether the limit applies.
func (l RateLimit) Enabled() bool { return l.Rate > 0 }

// String writes the limit as ParseRateLimit reads it.
func (l RateLimit) String() string {
	if !l.Enabled() {
		return "0"
	}
	return strconv.FormatFloat(l.Rate, 'f', -1, 64) + "/" + strconv.Itoa(l.burst())
}

func (l RateLimit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return max(1, int(math.Ceil(l.Rate)))
}

// Default rate limits of unet serve (docs/security.md, Abuse limits).
var (
	// DefaultIdentityRateLimit is the bucket of each authenticated user:
	// far above what a person or a CLI script sends, low enough that one
	// runaway client cannot take the whole server.
	DefaultIdentityRateLimit = RateLimit{Rate: 50, Burst: 100}
	// DefaultIPRateLimit is the bucket of each client address for requests
	// without a valid identity.
	DefaultIPRateLimit = RateLimit{Rate: 20, Burst: 40}
)

// DefaultMaxRateBuckets bounds the buckets kept per kind (identity, address).
const DefaultMaxRateBuckets = 65536

// ParseRateLimit reads a limit as given to --rate-limit: "RATE/BURST"
// ("50/100"), "RATE" (burst = rate, at least 1), or "0" (off).
func ParseRateLimit(s string) (RateLimit, error) {
	s = strings.TrimSpace(s)
	rs, bs, hasBurst := strings.Cut(s, "/")
	r, err := strconv.ParseFloat(strings.TrimSpace(rs), 64)
	if err != nil || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return RateLimit{}, unet.Errorf(unet.EINVALID, "rate limit %q: want REQUESTS_PER_SECOND[/BURST], e.g. 50/100, or 0 to turn it off", s)
	}
	if r == 0 {
		return RateLimit{}, nil
	}
	l := RateLimit{Rate: r}
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(bs))
		if err != nil || b < 1 {
			return RateLimit{}, unet.Errorf(unet.EINVALID, "rate limit %q: the burst must be a whole number of requests, at least 1", s)
		}
		l.Burst = b
	}
	l.Burst = l.burst()
	return l, nil
}

// RateLimits are the abuse limits of a server (docs/security.md, Abuse
// limits). The zero value limits nothing.
type RateLimits struct {
	// Identity is the bucket of each authenticated user (all of the user's
	// credentials share it).
	Identity RateLimit
	// IP is the bucket of each client address (ClientIP) for requests
	// without a valid identity: anonymous requests, public routes, failed
	// authentication. In auth mode none, where identities are claimed, not
	// proven, every request counts against its address with this limit.
	IP RateLimit
	// MaxBuckets bounds the buckets kept of each kind (default
	// DefaultMaxRateBuckets); the least recently used one is dropped first.
	MaxBuckets int
	// AllowIPs, when not empty, is the global allow-list: requests from
	// other client addresses are refused with 403 before anything else
	// but the health probes.
	AllowIPs []netip.Prefix
}

// bucketSet is a bounded set of token buckets by key, least recently used
// first out: memory stays bounded whatever the number of clients. A bucket
// dropped and made again starts full, which is what an idle bucket is
// anyway; only a client busy enough to be limited and quiet long enough for
// the whole set to turn over loses its debt.
type bucketSet struct {
	limit rate.Limit
	burst int
	max   int

	mu    sync.Mutex
	byKey map[string]*list.Element
	order *list.List // front: most recently used
}

type bucket struct {
	key string
	lim *rate.Limiter
}

func newBucketSet(l RateLimit, maxBuckets int) *bucketSet {
	if !l.Enabled() {
		return nil
	}
	if maxBuckets <= 0 {
		maxBuckets = DefaultMaxRateBuckets
	}
	return &bucketSet{limit: rate.Limit(l.Rate), burst: l.burst(), max: maxBuckets,
		byKey: map[string]*list.Element{}, order: list.New()}
}

// limiter returns the bucket of key, made (full) when absent.
func (b *bucketSet) limiter(key string) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.byKey[key]; ok {
		b.order.MoveToFront(e)
		return e.Value.(*bucket).lim
	}
	for b.order.Len() >= b.max {
		old := b.order.Back()
		b.order.Remove(old)
		delete(b.byKey, old.Value.(*bucket).key)
	}
	bk := &bucket{key: key, lim: rate.NewLimiter(b.limit, b.burst)}
	b.byKey[key] = b.order.PushFront(bk)
	return bk.lim
}

// len is the number of buckets held.
func (b *bucketSet) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.byKey)
}

// take takes one token of key's bucket at now. It answers 0 when the
// request may go on, else how long until a token is there (the request is
// then not charged).
func (b *bucketSet) take(key string, now time.Time) time.Duration {
	lim := b.limiter(key)
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Second
	}
	d := res.DelayFrom(now)
	if d <= 0 {
		return 0
	}
	res.CancelAt(now)
	return d
}

// retryAfter is a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(max(1, int64(math.Ceil(d.Seconds()))), 10)
}

// tooManyRequests is the 429 answer of a request over the limit of who.
func tooManyRequests(who string, d time.Duration) error {
	return statusError(http.StatusTooManyRequests, unet.EUNAVAILABLE,
		fmt.Sprintf("rate limit of %s exceeded: retry in %s s (Retry-After)", who, retryAfter(d)))
}

// limiter holds the server's abuse limits.
type limiter struct {
	identity, ip *bucketSet
	allow        []netip.Prefix
	claimed      bool // auth mode none: identities are named, not proven
	notes        *denialNotes
}

func newLimiter(o RateLimits, mode string) *limiter {
	l := &limiter{identity: newBucketSet(o.Identity, o.MaxBuckets), ip: newBucketSet(o.IP, o.MaxBuckets),
		allow: o.AllowIPs, claimed: mode == "none"}
	if l.claimed {
		l.identity = nil
	}
	maxNotes := o.MaxBuckets
	if maxNotes <= 0 {
		maxNotes = DefaultMaxRateBuckets
	}
	l.notes = newDenialNotes(maxNotes, denialNoteEvery)
	return l
}

// allowed applies the global allow-list to a client address.
func (l *limiter) allowed(a netip.Addr) error {
	if len(l.allow) == 0 || (a.IsValid() && inPrefixes(a, l.allow)) {
		return nil
	}
	who := "an unknown address"
	if a.IsValid() {
		who = a.String()
	}
	return statusError(http.StatusForbidden, unet.EFORBIDDEN,
		fmt.Sprintf("client address %s is not in this server's allow-list (--allow-ip)", who))
}

// rateDenial is a refusal by a limit: how long until a token is there and
// the bucket's key.
type rateDenial struct {
	wait time.Duration
	key  string
	who  string
}

// check charges a request to its bucket: the user's when p is an
// authenticated identity, the client address's otherwise. It answers nil
// when the request may go on.
func (l *limiter) check(p *unet.Principal, client netip.Addr, now time.Time) *rateDenial {
	if p != nil && p.User != "" && !l.claimed {
		if l.identity == nil {
			return nil
		}
		if d := l.identity.take(p.User, now); d > 0 {
			return &rateDenial{wait: d, key: "user:" + p.User, who: "user " + p.User}
		}
		return nil
	}
	if l.ip == nil {
		return nil
	}
	key := "unknown"
	if client.IsValid() {
		key = client.String()
	}
	if d := l.ip.take(key, now); d > 0 {
		return &rateDenial{wait: d, key: "ip:" + key, who: "address " + key}
	}
	return nil
}

// ParseAllowIPs reads the global allow-list as given to --allow-ip: CIDRs
// or bare addresses (taken as /32 or /128).
func ParseAllowIPs(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := ParseTrustedProxies([]string{s})
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "allowed client %q is not a CIDR such as 192.0.2.0/24 or an address", s)
		}
		out = append(out, p...)
	}
	return out, nil
}
