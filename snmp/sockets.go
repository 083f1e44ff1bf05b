package snmp

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"
)

// SNMPv2c polls reuse UDP sockets instead of opening one per poll: a
// request takes an unconnected socket from a pool shared by every poll of
// the process, sends to its agent, reads the response on the same socket,
// and gives the socket back for the next request, to whatever agent. The
// pool holds at most as many sockets as requests were ever in flight at
// once (the scheduler's concurrency times the requests in flight per
// agent), and is emptied when the last poll ends, so an idle process holds
// none. The requester reads its own response: no reader goroutine, no
// hand-off per response. A response is accepted only from the address the
// request went to and with the request's ID (IDs are unique in the
// process), so a late answer to an abandoned request, read later by
// another request on the same socket, is dropped.
//
// gosnmp cannot share a socket between requests (a session reads on its
// own socket and discards responses with another request ID), so requests
// are marshalled and responses decoded with gosnmp, but sent and received
// here. SNMPv3 keeps gosnmp's own session per poll (its USM state is per
// session).
//
// On an unconnected socket the kernel does not report ICMP port
// unreachable, so a closed port looks like a silent one (a timeout), as it
// does to net-snmp.

// socketBuffer is the receive buffer asked for each pooled socket.
const socketBuffer = 1 << 20

// sockets is the process's pool of unconnected UDP sockets.
var sockets struct {
	mu    sync.Mutex
	users int // polls in progress
	free  map[string][]*pooledSocket
	open  int // sockets open, free or in use
}

// pooledSocket is a socket with its receive buffer.
type pooledSocket struct {
	c   *net.UDPConn
	buf []byte
}

// socketsOpen reports how many pooled sockets are open (for tests).
func socketsOpen() int {
	sockets.mu.Lock()
	defer sockets.mu.Unlock()
	return sockets.open
}

// usePool marks a poll as using the pool; the returned function ends the
// use, closing every free socket when no poll is left.
func usePool() (done func()) {
	sockets.mu.Lock()
	sockets.users++
	sockets.mu.Unlock()
	return func() {
		sockets.mu.Lock()
		defer sockets.mu.Unlock()
		sockets.users--
		if sockets.users > 0 {
			return
		}
		for network, conns := range sockets.free {
			for _, s := range conns {
				_ = s.c.Close() // idle: nothing to lose
				sockets.open--
			}
			delete(sockets.free, network)
		}
	}
}

// getSocket takes a free socket for network ("udp4" or "udp6") or opens one.
func getSocket(network string) (*pooledSocket, error) {
	sockets.mu.Lock()
	if conns := sockets.free[network]; len(conns) > 0 {
		c := conns[len(conns)-1]
		sockets.free[network] = conns[:len(conns)-1]
		sockets.mu.Unlock()
		return c, nil
	}
	sockets.open++
	sockets.mu.Unlock()
	c, err := net.ListenUDP(network, nil)
	if err != nil {
		sockets.mu.Lock()
		sockets.open--
		sockets.mu.Unlock()
		return nil, fmt.Errorf("open an SNMP socket: %w", err)
	}
	// A larger buffer only makes drops under bursts less likely; the kernel
	// may grant less, which is not an error.
	_ = c.SetReadBuffer(socketBuffer)
	return &pooledSocket{c: c, buf: make([]byte, 65536)}, nil
}

// putSocket gives a socket back to the pool, or closes it when it failed
// or no poll is left to use it.
func putSocket(network string, s *pooledSocket, healthy bool) {
	sockets.mu.Lock()
	defer sockets.mu.Unlock()
	if !healthy || sockets.users == 0 {
		_ = s.c.Close() // broken or unneeded: nothing to lose
		sockets.open--
		return
	}
	if sockets.free == nil {
		sockets.free = make(map[string][]*pooledSocket)
	}
	sockets.free[network] = append(sockets.free[network], s)
}

// requestIDs numbers the requests of the process; it starts at a random
// value so that two processes polling one agent do not take each other's
// responses for their own.
var requestIDs atomic.Uint32

func init() { requestIDs.Store(rand.Uint32()) }

func nextRequestID() uint32 {
	for {
		if id := requestIDs.Add(1) & 0x7FFFFFFF; id != 0 {
			return id
		}
	}
}

// errSocketTimeout is a read that reached its deadline.
var errSocketTimeout = errors.New("read deadline")

// exchange sends pkt to the agent at to on a pooled socket and returns the
// raw response, trying retries+1 times with timeout each. A late response
// to an earlier attempt is accepted, as gosnmp does. ctx interrupts a read
// at once.
func exchange(ctx context.Context, network string, to netip.AddrPort, pkt *gosnmp.SnmpPacket, timeout time.Duration, retries int) ([]byte, error) {
	s, err := getSocket(network)
	if err != nil {
		return nil, err
	}
	healthy := true
	defer func() { putSocket(network, s, healthy) }()
	c := s.c
	// Waking a blocked read on cancel: a deadline in the past.
	stop := context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	var ids [8]uint32
	sent := ids[:0]
	for attempt := 0; attempt <= retries; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		id := nextRequestID()
		pkt.RequestID = id
		out, err := pkt.MarshalMsg()
		if err != nil {
			return nil, fmt.Errorf("marshal: %w", err)
		}
		sent = append(sent, id)
		if _, err := c.WriteToUDPAddrPort(out, to); err != nil {
			healthy = false
			return nil, err
		}
		deadline := time.Now().Add(timeout)
		if err := c.SetReadDeadline(deadline); err != nil {
			healthy = false
			return nil, err
		}
		b, err := readResponse(c, s.buf, to, sent)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !errors.Is(err, errSocketTimeout) {
			healthy = false
			return nil, err
		}
	}
	return nil, fmt.Errorf("request timeout (after %d retries): %w", retries, gosnmp.ErrMaxRetriesExceeded)
}

// readResponse reads datagrams until one comes from to with one of the
// request IDs of ids, and returns a copy of it.
func readResponse(c *net.UDPConn, buf []byte, to netip.AddrPort, ids []uint32) ([]byte, error) {
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, errSocketTimeout
			}
			return nil, err
		}
		if from.Addr().Unmap() != to.Addr() || from.Port() != to.Port() {
			continue
		}
		id, ok := responseRequestID(buf[:n])
		if !ok {
			continue
		}
		for _, want := range ids {
			if id == want {
				b := make([]byte, n)
				copy(b, buf[:n])
				return b, nil
			}
		}
	}
}

// resolveAgent returns the address of an agent as a pooled socket sees
// it, and the socket's network.
func resolveAgent(ctx context.Context, host string, port uint16) (netip.AddrPort, string, error) {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		ips, lerr := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if lerr != nil {
			return netip.AddrPort{}, "", lerr
		}
		if len(ips) == 0 {
			return netip.AddrPort{}, "", fmt.Errorf("%s has no address", host)
		}
		ip = ips[0]
		for _, a := range ips {
			if a.Unmap().Is4() {
				ip = a
				break
			}
		}
	}
	ip = ip.Unmap()
	network := "udp6"
	if ip.Is4() {
		network = "udp4"
	}
	return netip.AddrPortFrom(ip, port), network, nil
}
