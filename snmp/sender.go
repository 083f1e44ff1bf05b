package snmp

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/gosnmp/gosnmp"
)

// bulkSender sends one GETBULK request and returns the decoded response.
type bulkSender interface {
	getBulk(oids []string, nonRepeaters uint8, maxRepetitions uint32) (*gosnmp.SnmpPacket, error)
	get(oids []string) (*gosnmp.SnmpPacket, error)
}

// sessionSender sends through a gosnmp session (SNMPv3); one request at a
// time.
type sessionSender struct{ g *gosnmp.GoSNMP }

func (s sessionSender) getBulk(oids []string, nonRepeaters uint8, maxRepetitions uint32) (*gosnmp.SnmpPacket, error) {
	return s.g.GetBulk(oids, nonRepeaters, maxRepetitions)
}

func (s sessionSender) get(oids []string) (*gosnmp.SnmpPacket, error) { return s.g.Get(oids) }

// poolSender sends SNMPv2c requests on pooled sockets; it is safe for
// concurrent use.
type poolSender struct {
	ctx       context.Context
	network   string
	to        netip.AddrPort
	community string
	timeout   time.Duration
	retries   int
}

func (s *poolSender) getBulk(oids []string, nonRepeaters uint8, maxRepetitions uint32) (*gosnmp.SnmpPacket, error) {
	pkt := s.packet(gosnmp.GetBulkRequest, oids)
	pkt.NonRepeaters, pkt.MaxRepetitions = nonRepeaters, maxRepetitions&0x7FFFFFFF
	return s.roundTrip(pkt)
}

func (s *poolSender) get(oids []string) (*gosnmp.SnmpPacket, error) {
	return s.roundTrip(s.packet(gosnmp.GetRequest, oids))
}

func (s *poolSender) packet(t gosnmp.PDUType, oids []string) *gosnmp.SnmpPacket {
	vars := make([]gosnmp.SnmpPDU, len(oids))
	for i, o := range oids {
		vars[i] = gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null}
	}
	return &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: s.community, PDUType: t, Variables: vars}
}

func (s *poolSender) roundTrip(pkt *gosnmp.SnmpPacket) (*gosnmp.SnmpPacket, error) {
	b, err := exchange(s.ctx, s.network, s.to, pkt, s.timeout, s.retries)
	if err != nil {
		return nil, err
	}
	// SnmpDecodePacket sets defaults on its receiver: one per response.
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: s.community}
	res, err := dec.SnmpDecodePacket(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProtocol, err)
	}
	if res.PDUType != gosnmp.GetResponse {
		return nil, fmt.Errorf("%w: agent answered a %s with a %s PDU", ErrProtocol, pkt.PDUType, res.PDUType)
	}
	return res, nil
}

// maxLearnedTargets bounds the per-target memory of response budgets; when
// full it starts over.
const maxLearnedTargets = 1 << 16

// learnedBudgets remembers, per target, how many variables its agent
// returns per GETBULK response, so that the next poll sizes its requests
// to fit from the first one.
var learnedBudgets = struct {
	mu sync.Mutex
	m  map[string]int
}{m: make(map[string]int)}

// budgetKey identifies a target's agent: its address, the caller's ID and
// the community reference (simulated devices share an address).
func budgetKey(t Target, addr string) string {
	return addr + "|" + t.ID + "|" + t.CommunityRef
}

func learnedBudget(key string) int {
	learnedBudgets.mu.Lock()
	defer learnedBudgets.mu.Unlock()
	return learnedBudgets.m[key]
}

func rememberBudget(key string, budget int) {
	learnedBudgets.mu.Lock()
	defer learnedBudgets.mu.Unlock()
	if budget <= 0 {
		delete(learnedBudgets.m, key)
		return
	}
	if _, ok := learnedBudgets.m[key]; !ok && len(learnedBudgets.m) >= maxLearnedTargets {
		clear(learnedBudgets.m)
	}
	learnedBudgets.m[key] = budget
}
