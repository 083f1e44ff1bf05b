package snmp

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

// agentProxy relays SNMPv2c requests between the poller and a real agent
// on loopback, and records what it sees: the requests in flight at once,
// how many repetitions each GETBULK asked for, and the variables of each
// response. With tooBigAbove it answers, in the agent's place, tooBig to any
// GETBULK asking for more variables than that, as an agent with a packet
// size limit does. latency delays every response.
type agentProxy struct {
	t           *testing.T
	conn        *net.UDPConn
	agent       *net.UDPAddr
	latency     time.Duration
	tooBigAbove int

	mu          sync.Mutex
	upstreams   map[netip.AddrPort]*net.UDPConn
	inFlight    int
	maxInFlight int
	asked       []int // n*r of each GETBULK relayed
	answered    []int // variables of each response relayed
	tooBig      int
}

func startAgentProxy(t *testing.T, host string, port uint16, latency time.Duration, tooBigAbove int) *agentProxy {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &agentProxy{t: t, conn: conn, agent: &net.UDPAddr{IP: net.ParseIP(host), Port: int(port)}, latency: latency,
		tooBigAbove: tooBigAbove, upstreams: make(map[netip.AddrPort]*net.UDPConn)}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = conn.Close() // ends run
		p.mu.Lock()
		for _, up := range p.upstreams {
			_ = up.Close() // ends its relay
		}
		p.mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() { defer wg.Done(); p.run(&wg) }()
	return p
}

// target returns the proxy's address as a poll target.
func (p *agentProxy) target(id string) Target {
	a := p.conn.LocalAddr().(*net.UDPAddr)
	return Target{ID: id, Host: a.IP.String(), Port: uint16(a.Port)}
}

func decodeV2c(b []byte) (*gosnmp.SnmpPacket, error) {
	return (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(b)
}

func (p *agentProxy) run(wg *sync.WaitGroup) {
	buf := make([]byte, 65536)
	for {
		n, client, err := p.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		req, err := decodeV2c(buf[:n])
		if err != nil {
			p.t.Errorf("proxy: undecodable request: %v", err)
			continue
		}
		reps := 0
		if req.PDUType == gosnmp.GetBulkRequest {
			reps = (len(req.Variables) - int(req.NonRepeaters)) * int(req.MaxRepetitions)
		}
		if p.tooBigAbove > 0 && int(req.NonRepeaters)+reps > p.tooBigAbove {
			rsp := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: req.Community, PDUType: gosnmp.GetResponse,
				RequestID: req.RequestID, Error: gosnmp.TooBig}
			out, err := rsp.MarshalMsg()
			if err != nil {
				p.t.Errorf("proxy: marshal tooBig: %v", err)
				continue
			}
			p.mu.Lock()
			p.tooBig++
			p.mu.Unlock()
			_, _ = p.conn.WriteToUDPAddrPort(out, client) // a lost answer is a retry
			continue
		}
		p.mu.Lock()
		up := p.upstreams[client]
		if up == nil {
			up, err = net.DialUDP("udp4", nil, p.agent)
			if err != nil {
				p.mu.Unlock()
				p.t.Errorf("proxy: %v", err)
				continue
			}
			p.upstreams[client] = up
			wg.Add(1)
			go func() { defer wg.Done(); p.relay(up, client) }()
		}
		p.inFlight++
		p.maxInFlight = max(p.maxInFlight, p.inFlight)
		p.asked = append(p.asked, reps)
		p.mu.Unlock()
		_, _ = up.Write(buf[:n]) // a lost request is a retry
	}
}

// relay sends the agent's responses back to client.
func (p *agentProxy) relay(up *net.UDPConn, client netip.AddrPort) {
	buf := make([]byte, 65536)
	for {
		n, err := up.Read(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		if p.latency > 0 {
			time.Sleep(p.latency) // the simulated network's delay, not synchronisation
		}
		vars := -1
		if rsp, err := decodeV2c(buf[:n]); err == nil {
			vars = len(rsp.Variables)
		}
		p.mu.Lock()
		p.inFlight--
		p.answered = append(p.answered, vars)
		p.mu.Unlock()
		_, _ = p.conn.WriteToUDPAddrPort(buf[:n], client) // a lost answer is a retry
	}
}

// stats returns what the proxy saw since the last reset, and resets it.
func (p *agentProxy) stats() (maxInFlight int, asked, answered []int, tooBig int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	maxInFlight, asked, answered, tooBig = p.maxInFlight, p.asked, p.answered, p.tooBig
	p.maxInFlight, p.asked, p.answered, p.tooBig = p.inFlight, nil, nil, 0
	return
}
