package cli

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/sqlstore"
)

// metricsFlags are the /metrics flags of `unet serve`.
type metricsFlags struct {
	listen, token string
}

func (f *metricsFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.listen, "metrics-listen", "", "serve /metrics on this separate address, HOST:PORT, instead of the main listener (env UNET_METRICS_LISTEN)")
	fl.StringVar(&f.token, "metrics-token", "", "require Authorization: Bearer TOKEN on /metrics, the token given by reference: env:NAME or file:PATH (env UNET_METRICS_TOKEN; default: no credential)")
}

// setupMetrics exports the server's metrics: build information, the HTTP
// requests (an observer added to opts), the database pool, transactions and
// inventory counts of db. /metrics is served by the API server (opts.Metrics)
// or, with --metrics-listen, on a listener of its own, which the returned
// function closes; it also stops watching db.
func (a *app) setupMetrics(ctx context.Context, f metricsFlags, cfg *serveConfig, db *sqlstore.DB, logger *slog.Logger,
	opts *httpapi.Options) (stop func(), err error) {
	metrics.SetBuildInfo(buildVersion())
	h := metrics.Handler()
	ref := pick(f.token, a.env.Getenv("UNET_METRICS_TOKEN"), cfg.Server.MetricsToken)
	if ref != "" {
		b, err := secret.LoadMaterial(ctx, "metrics token", ref, a.lookupEnv)
		if err != nil {
			return nil, &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
		}
		token := strings.TrimSpace(string(b))
		if token == "" {
			return nil, unet.Errorf(unet.EINVALID, "metrics token %s is empty", ref)
		}
		h = requireBearer(token, h)
	}
	opts.Observers = append(opts.Observers, metrics.NewHTTPObserver())
	unwatch := metrics.WatchDB(db, logger)
	listen := pick(f.listen, a.env.Getenv("UNET_METRICS_LISTEN"), cfg.Server.MetricsListen)
	if listen == "" {
		opts.Metrics = h
		return unwatch, nil
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		unwatch()
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot listen on %s for metrics: %v", listen, err), Err: err}
	}
	if ref == "" && !loopbackListener(ln) {
		logger.Warn("metrics are served to anyone who reaches " + ln.Addr().String() + ": give --metrics-token to require a credential")
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+httpapi.MetricsPath, h)
	hs := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener", slog.Any("error", err))
		}
	}()
	logger.Info("serving metrics", slog.String("endpoint", "http://"+ln.Addr().String()+httpapi.MetricsPath))
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			logger.Warn("stop the metrics listener", slog.Any("error", errors.Join(err, hs.Close())))
		}
		<-done
		unwatch()
	}, nil
}

// requireBearer answers 401 to a request without Authorization: Bearer token.
func requireBearer(token string, h http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics require Authorization: Bearer with the metrics token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// loopbackListener reports whether ln accepts only local connections.
func loopbackListener(ln net.Listener) bool {
	a, ok := ln.Addr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
