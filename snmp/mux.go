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

// SNMPv2c polls share one UDP socket per address family. gosnmp reads the
// responses of a session on that session's own socket and drops any with
// another request ID, so two requests cannot share one of its sockets; the
// shared transport below marshals and decodes with gosnmp but sends and
// receives itself: one unconnected socket, one reader goroutine, and
// responses handed to the request waiting for their request ID (and coming
// from the address it was sent to). The socket is opened by the first poll
// that needs it and closed when the last one ends, so an idle process holds
// none. SNMPv3 keeps gosnmp's own session per poll (its USM state is per
// session).
//
// On an unconnected socket the kernel does not report ICMP port
// unreachable, so a closed port looks like a silent one (a timeout), as it
// does to net-snmp.

// muxSocketBuffer is the receive and send buffer asked for the shared
// socket: room for the responses of many requests in flight.
const muxSocketBuffer = 4 << 20

// udpMux is one shared socket and the requests waiting on it.
type udpMux struct {
	network string
	conn    *net.UDPConn
	refs    int // guarded by muxes.mu

	mu      sync.Mutex
	pending map[uint32]*pendingRequest
}

// pendingRequest is a request waiting for its response.
type pendingRequest struct {
	from netip.AddrPort
	ch   chan []byte
}

var muxes struct {
	mu sync.Mutex
	m  map[string]*udpMux
}

// requestIDs numbers the requests of every shared socket; it starts at a
// random value so that two processes polling one agent do not answer each
// other's requests.
var requestIDs atomic.Uint32

func init() { requestIDs.Store(rand.Uint32()) }

func nextRequestID() uint32 {
	for {
		if id := requestIDs.Add(1) & 0x7FFFFFFF; id != 0 {
			return id
		}
	}
}

// acquireMux returns the shared socket for network ("udp4" or "udp6"),
// opening it if no poll holds it. Every acquireMux is paired with a
// release.
func acquireMux(network string) (*udpMux, error) {
	muxes.mu.Lock()
	defer muxes.mu.Unlock()
	if m := muxes.m[network]; m != nil {
		m.refs++
		return m, nil
	}
	conn, err := net.ListenUDP(network, nil)
	if err != nil {
		return nil, fmt.Errorf("open the shared SNMP socket: %w", err)
	}
	// Larger buffers only make drops under bursts less likely; the kernel
	// may grant less, which is not an error.
	_ = conn.SetReadBuffer(muxSocketBuffer)
	_ = conn.SetWriteBuffer(muxSocketBuffer)
	m := &udpMux{network: network, conn: conn, refs: 1, pending: make(map[uint32]*pendingRequest)}
	if muxes.m == nil {
		muxes.m = make(map[string]*udpMux)
	}
	muxes.m[network] = m
	go m.read()
	return m, nil
}

// release gives the socket back; the last release closes it, which ends
// its reader.
func (m *udpMux) release() {
	muxes.mu.Lock()
	defer muxes.mu.Unlock()
	m.refs--
	if m.refs > 0 {
		return
	}
	delete(muxes.m, m.network)
	_ = m.conn.Close() // nothing is in flight: every request has returned
}

// read delivers each datagram to the request waiting for its ID, until
// the socket is closed. Datagrams that are not SNMP responses, answer no
// waiting request or come from another address are dropped.
func (m *udpMux) read() {
	buf := make([]byte, 65536)
	for {
		n, from, err := m.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		id, ok := responseRequestID(buf[:n])
		if !ok {
			continue
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		m.mu.Lock()
		p := m.pending[id]
		if p != nil && p.from == from {
			delete(m.pending, id)
		} else {
			p = nil
		}
		m.mu.Unlock()
		if p != nil {
			b := make([]byte, n)
			copy(b, buf[:n])
			select {
			case p.ch <- b:
			default: // a response to an earlier attempt already arrived
			}
		}
	}
}

// exchange sends pkt to addr and returns the raw response, trying
// retries+1 times with timeout each. A late response to an earlier attempt
// is accepted, as gosnmp does.
func (m *udpMux) exchange(ctx context.Context, to netip.AddrPort, pkt *gosnmp.SnmpPacket, timeout time.Duration, retries int) ([]byte, error) {
	ch := make(chan []byte, 1)
	ids := make([]uint32, 0, retries+1)
	defer func() {
		m.mu.Lock()
		for _, id := range ids {
			delete(m.pending, id)
		}
		m.mu.Unlock()
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
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
		m.mu.Lock()
		m.pending[id] = &pendingRequest{from: to, ch: ch}
		m.mu.Unlock()
		ids = append(ids, id)
		if _, err := m.conn.WriteToUDPAddrPort(out, to); err != nil {
			return nil, err
		}
		timer.Reset(timeout)
		select {
		case b := <-ch:
			return b, nil
		case <-timer.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return nil, fmt.Errorf("request timeout (after %d retries): %w", retries, gosnmp.ErrMaxRetriesExceeded)
}

// resolveAgent returns the address of an agent as the shared socket sees
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
