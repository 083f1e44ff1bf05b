package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// debugFlags are the profiling flags of `unet serve`.
type debugFlags struct {
	listen      string
	allowRemote bool
}

func (d *debugFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&d.listen, "debug-listen", "", "serve the Go profiler (net/http/pprof, /debug/pprof/) on this separate address, never on --listen; "+
		"HOST:PORT, or PORT for loopback (env UNET_DEBUG_LISTEN; default: off)")
	fl.BoolVar(&d.allowRemote, "debug-listen-allow-remote", false, "allow --debug-listen on an address beyond loopback (the profiler has no authentication)")
}

// resolveDebugListen returns the address of the profiling listener ("":
// none) from the flags, the environment and the config file, in that order
// of precedence. An address without a host is on loopback; one beyond
// loopback is refused unless allowed: the profiler answers anyone who can
// reach it, and its profiles reveal the process' memory layout and timing.
func (a *app) resolveDebugListen(cmd *cobra.Command, f debugFlags, cfg *serveConfig) (string, error) {
	addr := pick(f.listen, a.env.Getenv("UNET_DEBUG_LISTEN"), cfg.Server.DebugListen)
	if addr == "" {
		return "", nil
	}
	allow := cfg.Server.DebugListenAllowRemote
	if cmd.Flags().Changed("debug-listen-allow-remote") {
		allow = f.allowRemote
	}
	return debugAddress(addr, allow)
}

// debugAddress resolves the profiling address: PORT and :PORT are on
// 127.0.0.1; a host must be loopback (localhost or a loopback IP) unless
// allowRemote.
func debugAddress(addr string, allowRemote bool) (string, error) {
	if _, err := strconv.ParseUint(addr, 10, 16); err == nil {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usagef("--debug-listen %q: want HOST:PORT or PORT: %v", addr, err)
	}
	if host == "" {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if allowRemote || loopbackHost(host) {
		return addr, nil
	}
	return "", usagef("--debug-listen %s is not a loopback address: the profiler has no authentication; "+
		"use 127.0.0.1:PORT (and an SSH tunnel), or add --debug-listen-allow-remote", addr)
}

// loopbackHost reports whether host names the loopback interface.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// debugHandler serves net/http/pprof under /debug/pprof/ and nothing else.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// startDebugServer serves the profiler on addr until ctx is done. The
// returned function waits until it has stopped.
func startDebugServer(ctx context.Context, addr string, logger *slog.Logger) (wait func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot listen on %s (--debug-listen): %v", addr, err), Err: err}
	}
	// No write timeout: a CPU profile or an execution trace takes as long
	// as its ?seconds= asks.
	hs := &http.Server{Handler: debugHandler(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("debug listener stopped", slog.Any("error", err))
		}
	}()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			_ = hs.Close()
		}
		<-done
	}()
	logger.Info("debug listener: profiling at /debug/pprof/", slog.String("address", ln.Addr().String()))
	return func() { <-stopped }, nil
}
