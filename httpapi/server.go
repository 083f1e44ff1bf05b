package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cluster"
)

// DefaultMaxEngineResults is the default of Options.MaxEngineResults.
const DefaultMaxEngineResults = 1_000_000

// Options configure a Server. Zero values take the defaults named below.
type Options struct {
	// Observers see every request (metrics, tracing), outermost first.
	Observers []RequestObserver
	// Metrics, when set, is served at GET /metrics behind the base
	// middleware (request ID, Host check, access log, observers) but outside
	// the route table and the API's authentication: it checks its own
	// credential, if any.
	Metrics http.Handler
	// UI, when set, is the web interface: served under /ui/ behind the base
	// middleware (request ID, Host and Origin checks, access log,
	// observers), with GET / redirecting there. It checks its own
	// permissions (package webui).
	UI http.Handler
	// Authorizer checks each route's permission (default NoAuth).
	Authorizer Authorizer
	// Audit receives the audit log entries: every mutating request and
	// every denial (nil: nothing is recorded).
	Audit AuditRecorder
	// Logger receives access and error logs (default: discarded).
	Logger *slog.Logger
	// AccessLog logs one line per request at Info level.
	AccessLog bool
	// Ready is the database's readiness probe behind /readyz (default:
	// always ready).
	Ready func(context.Context) error
	// Workers reports the background workers for /readyz, which answers 503
	// while one of them is not healthy (nil: no workers).
	Workers func() []WorkerHealth
	// Cluster is the coordinator of this server's replicas, whose view
	// GET /api/v1/cluster answers (nil: that route answers 503).
	Cluster cluster.Coordinator
	// MaxBodyBytes limits request bodies (default 1 MiB); MaxImportBytes
	// limits the body of an import (default 64 MiB).
	MaxBodyBytes   int64
	MaxImportBytes int64
	// RequireIfMatch answers writes without If-Match with 428.
	RequireIfMatch bool
	// MaxInFlight bounds the API requests served at once (default 4 per CPU,
	// at least 8); the others wait in arrival order. Health probes, the API
	// document and long routes (import, export) are not counted. Waiting here,
	// first come first served, keeps tail latency low under overload, where
	// waiting for a database connection would serve waiters in random order.
	MaxInFlight int
	// MaxEngineConcurrency bounds the engine requests (policy evaluate, apply
	// and validate, template validate, render and diff) running at once
	// (default GOMAXPROCS, at least 2); one more is answered 503 with
	// Retry-After at once, before its body is read. MaxEngineTextBytes bounds
	// an engine request's body, rules, variables and running configuration
	// included (default 2 MiB). MaxEngineResponseBytes bounds an engine
	// answer (default 128 MiB): a larger one is refused with 422 before any
	// byte of it is sent; the others are streamed, never held in a buffer.
	MaxEngineConcurrency   int
	MaxEngineTextBytes     int64
	MaxEngineResponseBytes int64
	// MaxEngineResults bounds the records (policy results, SET records,
	// assigned templates) one evaluate or apply request may build (default
	// 1,000,000): the evaluation counts them as it goes and stops at the
	// first one past the bound, answering 422 before the memory is spent.
	// With the defaults it keeps an engine request's memory bounded whatever
	// the size of the inventory (docs/api.md, Limits).
	MaxEngineResults int
	// MaxWebhookConcurrency bounds the webhook deliveries handled at once
	// (default 16); one more is answered 503 with Retry-After at once.
	MaxWebhookConcurrency int
	// Timeouts of the HTTP server (defaults 5 s, 30 s, 60 s, 120 s); long
	// routes (import, export) get LongRequestTimeout (default 10 min) to read
	// and to write; ShutdownTimeout bounds the graceful shutdown (default 15 s).
	ReadHeaderTimeout  time.Duration
	ReadTimeout        time.Duration
	WriteTimeout       time.Duration
	IdleTimeout        time.Duration
	LongRequestTimeout time.Duration
	ShutdownTimeout    time.Duration
	// RequestTimeout is the deadline of a request's work (default 90% of
	// WriteTimeout; long routes get 90% of LongRequestTimeout). Keep it below
	// the write timeout: a request that runs out of time is then still
	// answered (503) before the connection's deadline, and a client never sees
	// a timeout for a write that commits afterwards.
	RequestTimeout time.Duration
	// Secrets resolves the webhook secrets of Git sources (usually the same
	// in-process service the server serves). Without it every webhook
	// delivery is refused.
	Secrets SecretResolver
	// Transport holds the allowed Host names and the trusted proxies.
	Transport TransportOptions
	// Limits are the rate limits and the global IP allow-list (zero: none;
	// docs/security.md, Abuse limits).
	Limits RateLimits
	// LoginThrottle slows down repeated failed logins (default: a throttle
	// with DefaultLoginThrottle).
	LoginThrottle *LoginThrottle
}

func (o *Options) defaults() {
	if o.Authorizer == nil {
		o.Authorizer = NoAuth{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.ReadHeaderTimeout, 5*time.Second)
	def(&o.ReadTimeout, 30*time.Second)
	def(&o.WriteTimeout, 60*time.Second)
	def(&o.IdleTimeout, 120*time.Second)
	def(&o.LongRequestTimeout, 10*time.Minute)
	def(&o.ShutdownTimeout, 15*time.Second)
	def(&o.RequestTimeout, o.WriteTimeout*9/10)
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = max(8, 4*runtime.GOMAXPROCS(0))
	}
	if o.MaxEngineConcurrency <= 0 {
		o.MaxEngineConcurrency = max(2, runtime.GOMAXPROCS(0))
	}
	if o.MaxEngineTextBytes <= 0 {
		o.MaxEngineTextBytes = 2 << 20
	}
	if o.MaxEngineResponseBytes <= 0 {
		o.MaxEngineResponseBytes = 128 << 20
	}
	if o.MaxEngineResults <= 0 {
		o.MaxEngineResults = DefaultMaxEngineResults
	}
	if o.MaxWebhookConcurrency <= 0 {
		o.MaxWebhookConcurrency = 16
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.MaxImportBytes <= 0 {
		o.MaxImportBytes = 64 << 20
	}
	if o.LoginThrottle == nil {
		o.LoginThrottle = NewLoginThrottle(DefaultLoginThrottle, nil)
	}
}

// Server is the HTTP API over a unet.Service.
type Server struct {
	svc     unet.Service
	opts    Options
	log     *slog.Logger
	table   []Route
	mux     *http.ServeMux
	openapi []byte

	slots     chan struct{} // MaxInFlight admission tokens
	engines   chan struct{} // MaxEngineConcurrency tokens
	webhooks  *webhookReceiver
	bufs      sync.Pool
	reqSeq    atomic.Uint64
	reqPrefix string

	// bgCtx is the context of background work (webhook syncs); Serve
	// cancels it when the drain at shutdown times out.
	bgCtx    context.Context
	bgCancel context.CancelFunc

	// The Host check (transport.go).
	hosts        map[string]bool
	hostSuffixes []string
	anyHost      bool

	// limits are the rate limits and the allow-list (ratelimit.go).
	limits *limiter

	// stopping is closed when a graceful shutdown begins: event streams,
	// which never go idle, end then (events.go).
	stopping     chan struct{}
	stoppingOnce sync.Once
}

// New builds the server: the route table, the mux and the OpenAPI document.
// It fails when a route declares no permission.
func New(svc unet.Service, o Options) (*Server, error) {
	if svc == nil {
		return nil, errors.New("httpapi.New: no service")
	}
	o.defaults()
	s := &Server{svc: svc, opts: o, log: o.Logger, mux: http.NewServeMux(), slots: make(chan struct{}, o.MaxInFlight),
		engines: make(chan struct{}, o.MaxEngineConcurrency), webhooks: newWebhookReceiver(o.MaxWebhookConcurrency, svc, o.Logger)}
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	s.stopping = make(chan struct{})
	s.bufs.New = func() any { return new(bytes.Buffer) }
	var p [6]byte
	_, _ = rand.Read(p[:])
	s.reqPrefix = hex.EncodeToString(p[:]) + "-"
	s.setAllowedHosts(o.Transport.AllowedHosts)
	s.limits = newLimiter(o.Limits, o.Authorizer.Mode())
	s.table = s.routes()
	if err := s.register(s.table); err != nil {
		return nil, err
	}
	doc, err := buildOpenAPI(s.table, oidcDiscoveryURL(o.Authorizer))
	if err != nil {
		return nil, fmt.Errorf("build OpenAPI document: %w", err)
	}
	s.openapi = doc
	return s, nil
}

// register installs the routes on the mux, each behind the middleware.
func (s *Server) register(table []Route) error {
	seen := map[string]bool{}
	for _, rt := range table {
		key := rt.Method + " " + rt.Path
		if rt.Permission == "" {
			return fmt.Errorf("route %s declares no permission", key)
		}
		if rt.handle == nil {
			return fmt.Errorf("route %s has no handler", key)
		}
		if seen[key] {
			return fmt.Errorf("route %s is declared twice", key)
		}
		seen[key] = true
		s.mux.Handle(key, s.wrap(rt))
	}
	s.registerMetrics()
	s.registerUI()
	s.mux.Handle("/", s.base("", s.noRoute))
	return nil
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.mux }

// OpenAPI returns the OpenAPI 3 document (JSON) generated from the route table.
func (s *Server) OpenAPI() []byte { return s.openapi }

// RequestIDHeader carries the request ID: accepted from the client when it is
// sane, generated otherwise, echoed in every answer and in problem documents.
const RequestIDHeader = "X-Request-ID"

func (s *Server) requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); id != "" && len(id) <= 128 && printableASCII(id) {
		return id
	}
	return s.reqPrefix + strconv.FormatUint(s.reqSeq.Add(1), 36)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// statusWriter remembers the status and the actor for the access log, and
// the request's context.
type statusWriter struct {
	http.ResponseWriter
	status int
	actor  string // set by the route's authorization (noteActor)
	// ctx is the request's context: the connection's, with the values the
	// observers (a span) and the client address add. The request base
	// hands a route (see serve) may not carry it yet, so that the route
	// makes one copy of the request with ctx and its own deadline, not two.
	ctx context.Context
}

// inContext returns r in the request's context (r itself when it is in it
// already): for answers and records made before the route has made its own
// copy of the request (a problem+json answer with its trace id, an audit
// record under the request's span).
func (w *statusWriter) inContext(r *http.Request) *http.Request {
	if r.Context() == w.ctx {
		return r
	}
	return r.WithContext(w.ctx)
}

// inContext is statusWriter.inContext for the writer base hands its
// handlers (r itself for any other writer).
func inContext(w http.ResponseWriter, r *http.Request) *http.Request {
	if sw, ok := w.(*statusWriter); ok {
		return sw.inContext(r)
	}
	return r
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// base is the middleware every request passes: the observers, request ID,
// client address, security headers, the transport checks (Host, Origin, body
// type), panic recovery, access log (accesslog.go), and problem+json for
// returned errors.
func (s *Server) base(route string, h handlerFunc) http.Handler {
	return s.serve(route, func(w *statusWriter, r *http.Request) error { return h(w, w.inContext(r)) })
}

// serve is base for a handler that takes the request before it is in the
// request's context (w.ctx; r differs from it only by the values the
// observers added): wrap, which puts it there together with the route's
// deadline, in one copy of the request.
func (s *Server) serve(route string, h func(w *statusWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: rw}
		ctx := r.Context()
		if obs := s.opts.Observers; len(obs) > 0 {
			// The context each observer's Start returned, for its End;
			// one deferred call for all (no allocation for a few).
			var few [4]context.Context
			ctxs := few[:0]
			for _, o := range obs {
				ctx = o.Start(ctx, r, route)
				ctxs = append(ctxs, ctx)
			}
			defer func() {
				elapsed := time.Since(start)
				for i := len(obs) - 1; i >= 0; i-- {
					obs[i].End(ctxs[i], r, route, w.status, elapsed)
				}
			}()
		}
		// The client address is read from the request's context when
		// proxies are trusted: the request is then put in it at once.
		if c := withClientIP(ctx, r, s.opts.Transport.TrustedProxies); c != ctx {
			ctx = c
			r = r.WithContext(ctx)
		}
		w.ctx = ctx
		id := s.requestID(r)
		hd := w.Header()
		hd.Set(RequestIDHeader, id)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Cache-Control", "no-store")
		setSecurityHeaders(hd, r)
		body := trackBody(r)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				r := w.inContext(r)
				closeIfUnread(w, r, body)
				s.writeProblem(w, r, fmt.Errorf("panic: %v", v))
			}
			if s.opts.AccessLog {
				s.accessLog(w.ctx, r, w, id, route, start)
			}
		}()
		err := s.screen(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			r := w.inContext(r)
			if clientGone(r, err) {
				// Nobody is left to answer: not a server error.
				w.status = StatusClientClosedRequest
				s.log.LogAttrs(r.Context(), slog.LevelDebug, "client closed request", slog.String("request_id", id),
					slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
				return
			}
			closeIfUnread(w, r, body)
			s.writeProblem(w, r, err)
		}
	})
}

// wrap puts a route's own checks in front of its handler: admission (one of
// MaxInFlight slots, first come first served), deadlines, body limit,
// accepted query parameters and the permission.
func (s *Server) wrap(rt Route) http.Handler {
	allowed := map[string]bool{}
	for _, p := range rt.Query {
		allowed[p.Name] = true
	}
	limit := s.opts.MaxBodyBytes
	if rt.BodyLimit > 0 {
		limit = rt.BodyLimit
	}
	admit := rt.Permission != PermPublic && !rt.Long
	rt.spanName = serviceSpan(rt)
	return s.serve(rt.Path, func(w *statusWriter, r *http.Request) error {
		if err := s.screenClient(w, r, rt); err != nil {
			return err
		}
		stream := rt.Stream && wantsEventStream(r)
		if admit && !stream {
			release, err := s.admit(r)
			if err != nil {
				return err
			}
			defer release()
		}
		work := s.opts.RequestTimeout
		if rt.Long {
			rc := http.NewResponseController(w)
			deadline := time.Now().Add(s.opts.LongRequestTimeout)
			// A writer without deadline support keeps the server's
			// (shorter) timeouts: the request may be cut, never left
			// unbounded.
			_ = rc.SetReadDeadline(deadline)
			_ = rc.SetWriteDeadline(deadline)
			work = s.opts.LongRequestTimeout * 9 / 10
		}
		// The request goes on in its context (w.ctx) with the deadline:
		// one copy of the request for both.
		var ctx context.Context
		var cancel context.CancelFunc
		if stream {
			// A stream runs until the client or the server leaves.
			ctx, cancel = context.WithCancel(w.ctx)
		} else {
			ctx, cancel = context.WithTimeout(w.ctx, work)
		}
		defer cancel()
		r = r.WithContext(ctx)
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		// Checked after authentication: a caller without a valid identity
		// learns nothing about the route but that it needs one.
		check := func() error {
			if r.ContentLength > limit {
				return statusError(http.StatusRequestEntityTooLarge, unet.EINVALID,
					fmt.Sprintf("request body is larger than %d bytes", limit))
			}
			if r.URL.RawQuery != "" {
				query, err := url.ParseQuery(r.URL.RawQuery)
				if err != nil {
					return statusError(http.StatusBadRequest, unet.EINVALID, "malformed query string: "+err.Error())
				}
				for k := range query {
					if !allowed[k] {
						return statusError(http.StatusBadRequest, unet.EINVALID, unknownParam(k, rt.Query))
					}
				}
			}
			return checkBodyType(r, rt)
		}
		return s.authorized(w, r, rt, check)
	})
}

// admit waits, first come first served, for one of the MaxInFlight slots
// of the requests served at once; release gives it back.
func (s *Server) admit(r *http.Request) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-r.Context().Done():
		return nil, fmt.Errorf("request abandoned while waiting for the server: %w", r.Context().Err())
	}
}

func unknownParam(k string, accepted []Param) string {
	if len(accepted) == 0 {
		return fmt.Sprintf("unknown query parameter %q: this route takes none", k)
	}
	names := make([]string, len(accepted))
	for i, p := range accepted {
		names[i] = p.Name
	}
	return fmt.Sprintf("unknown query parameter %q (accepted: %s)", k, strings.Join(names, ", "))
}

// noRoute answers requests no route matches: 405 with Allow when the path
// exists for other methods, 404 otherwise.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) error {
	if err := s.limits.allowed(ClientAddr(r)); err != nil {
		return err
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &httpError{status: http.StatusMethodNotAllowed, err: unet.Errorf(unet.EINVALID,
			"method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", "))}
	}
	return statusError(http.StatusNotFound, unet.ENOTFOUND, "no such API route: "+r.Method+" "+r.URL.Path)
}

// writeJSON answers with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	s.writeBody(w, status, "application/json", v)
}

// writeBody encodes v into a pooled buffer first, so that an encoding failure
// still becomes a proper error answer and Content-Length is known.
func (s *Server) writeBody(w http.ResponseWriter, status int, contentType string, v any) {
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			s.bufs.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.log.Error("encode response", slog.Any("error", err))
		buf.Reset()
		buf.WriteString(`{"type":"about:blank","title":"Internal Server Error","status":500,"code":"internal","detail":"internal error (response encoding)"}` + "\n")
		contentType, status = ProblemContentType, http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		// The status is sent; the client went away and can be told nothing.
		s.log.Debug("write response", slog.Any("error", err))
	}
}

// Serve answers on ln until ctx is done, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish (bounded by ShutdownTimeout) and
// returns. Closing the service is left to the caller.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	hs.RegisterOnShutdown(s.stopStreams)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(problemListener{Listener: ln, s: s}) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests", slog.Duration("timeout", s.opts.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = errors.Join(fmt.Errorf("graceful shutdown timed out after %s; remaining connections closed", s.opts.ShutdownTimeout), hs.Close())
	}
	// Webhook syncs running or pending finish within the same bound; the
	// caller closes the service only after that.
	if werr := s.webhooks.syncs.wait(sctx); werr != nil {
		s.bgCancel()
		// Without a deadline the wait only returns once the cancelled
		// syncs have finished, and then returns nil.
		_ = s.webhooks.syncs.wait(context.Background())
		if err == nil {
			err = fmt.Errorf("graceful shutdown timed out after %s; webhook syncs cancelled", s.opts.ShutdownTimeout)
		}
	}
	s.bgCancel()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
