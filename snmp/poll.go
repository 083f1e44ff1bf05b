package snmp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/unet-dev/unet/secret"
)

// SecretResolver turns the secret references of profiles and targets into
// values; μNet passes its allow-list resolver (*secret.Resolver).
type SecretResolver interface {
	Resolve(ctx context.Context, ref string) (secret.Secret, error)
}

// Poll reads the system group, the interface tables and the known vendor
// CPU/memory objects of one agent, and derives vendor, platform and software
// version. Credentials are resolved from the profile's secret references
// now, through secrets (nil refuses every reference), and never appear in
// errors. Each request is bounded by the profile's
// timeout and retries; ctx bounds the whole poll.
//
// All of it costs one GETBULK for the system group, vendor objects and the
// first rows of every interface column, then one GETBULK per
// MaxRepetitions rows, or per response's worth of variables when the agent
// caps its responses (learned and remembered per target). SNMPv2c polls
// reuse pooled UDP sockets and keep up to maxInFlightPerDevice requests in
// flight per agent. Errors are *PollError values that match ErrConfig,
// ErrTimeout, ErrAuth, ErrUnreachable or ErrProtocol with errors.Is.
func Poll(ctx context.Context, secrets SecretResolver, target Target, profile Profile) (*PollResult, error) {
	ctx, span := startPoll(ctx, target, profile)
	res, err := poll(ctx, secrets, target, profile)
	endPoll(span, err)
	return res, err
}

func poll(ctx context.Context, secrets SecretResolver, target Target, profile Profile) (*PollResult, error) {
	p := profile.WithDefaults()
	addr := target.addr(p)
	if err := p.Validate(); err != nil {
		return nil, &PollError{Addr: addr, Op: "check profile", Kind: KindConfig, Err: err}
	}
	if target.Host == "" {
		return nil, &PollError{Addr: addr, Op: "check target", Kind: KindConfig, Err: errors.New("target has no host address")}
	}
	if target.CommunityRef != "" {
		if _, err := secret.ParseRef(target.CommunityRef); err != nil {
			return nil, &PollError{Addr: addr, Op: "check target", Kind: KindConfig, Err: err}
		}
	}
	g, err := newSession(ctx, secrets, target, p)
	if err != nil {
		return nil, &PollError{Addr: addr, Op: "resolve credentials", Kind: KindConfig, Err: err}
	}
	started := time.Now()
	c := newCollector(started)
	key := budgetKey(target, addr)
	w := &walker{reps: p.MaxRepetitions, inFlight: 1, budget: learnedBudget(key)}
	if p.Version == V2c {
		err = walkShared(ctx, g, target, p, w, c)
	} else {
		err = walkSession(ctx, g, p, w, c)
	}
	w.mu.Lock()
	budget, requests := w.budget, w.requests
	w.mu.Unlock()
	if budget > 0 {
		rememberBudget(key, budget)
	}
	if err != nil {
		if pe, ok := err.(*PollError); ok {
			pe.Addr = addr
		}
		return nil, classify(ctx, addr, "poll", p, err)
	}
	res := c.result()
	res.TargetID = target.ID
	res.Addr = addr
	res.Requests = requests
	res.Duration = time.Since(started)
	return res, nil
}

// collector accumulates the variables of one poll.
type collector struct {
	started time.Time
	sys     System
	upTicks uint64
	hasUp   bool
	vendor  vendorValues
	rows    map[int]*ifRow
}

// ifRow is an interface while its columns arrive, with the raw values
// needed to choose between 32- and 64-bit objects.
type ifRow struct {
	Interface
	lastChange                  uint64
	hasLastChange               bool
	speed, highSpeed            uint64
	hasHighSpeed                bool
	in32, out32, inU32, outU32  uint64
	hcIn, hcOut, hcInU, hcOutU  uint64
	hasHCIn, hasHCOut, hasHCInU bool
	hasHCOutU                   bool
}

func newCollector(started time.Time) *collector {
	return &collector{started: started, rows: make(map[int]*ifRow, 64)}
}

// scalars are the system group and vendor probes, answered in the first
// request.
func (c *collector) scalars() []scalar {
	str := func(base string, dst *string) scalar {
		return scalar{oid: base, set: func(v gosnmp.SnmpPDU) {
			if v.Name == base+".0" {
				*dst = asString(v)
			}
		}}
	}
	s := []scalar{
		str(oidSysDescr, &c.sys.Descr),
		{oid: oidSysObjectID, set: func(v gosnmp.SnmpPDU) {
			if v.Name == oidSysObjectID+".0" {
				c.sys.ObjectID = asOID(v)
			}
		}},
		{oid: oidSysUpTime, set: func(v gosnmp.SnmpPDU) {
			if v.Name == oidSysUpTime+".0" {
				c.upTicks, c.hasUp = asUint64(v)
				c.sys.UpTime = time.Duration(c.upTicks) * 10 * time.Millisecond
			}
		}},
		str(oidSysContact, &c.sys.Contact),
		str(oidSysName, &c.sys.Name),
		str(oidSysLocation, &c.sys.Location),
	}
	return append(s, c.vendor.probes()...)
}

func (c *collector) row(index string) *ifRow {
	i, err := strconv.Atoi(index)
	if err != nil || i <= 0 {
		return nil
	}
	r := c.rows[i]
	if r == nil {
		r = &ifRow{Interface: Interface{Index: i}}
		c.rows[i] = r
	}
	return r
}

func (c *collector) columns() []column {
	c0 := c
	col := func(base string, set func(r *ifRow, v gosnmp.SnmpPDU)) column {
		return column{base: base, set: func(index string, v gosnmp.SnmpPDU) {
			if r := c.row(index); r != nil {
				set(r, v)
			}
		}}
	}
	// A 32-bit counter is needed only for rows without its 64-bit one.
	fallback := func(c column, hc string, has func(r *ifRow) bool) column {
		c.supersededBy = hc
		c.need = func(index int) bool {
			r := c0.rows[index]
			return r != nil && !has(r)
		}
		return c
	}
	u64 := func(dst func(r *ifRow) *uint64) func(r *ifRow, v gosnmp.SnmpPDU) {
		return func(r *ifRow, v gosnmp.SnmpPDU) { *dst(r), _ = asUint64(v) }
	}
	hc := func(dst func(r *ifRow) (*uint64, *bool)) func(r *ifRow, v gosnmp.SnmpPDU) {
		return func(r *ifRow, v gosnmp.SnmpPDU) {
			p, ok := dst(r)
			*p, *ok = asUint64(v)
		}
	}
	return []column{
		col(colIfDescr, func(r *ifRow, v gosnmp.SnmpPDU) { r.Descr = asString(v) }),
		col(colIfType, func(r *ifRow, v gosnmp.SnmpPDU) { r.Type, _ = asInt(v) }),
		col(colIfMtu, func(r *ifRow, v gosnmp.SnmpPDU) { r.MTU, _ = asInt(v) }),
		col(colIfSpeed, u64(func(r *ifRow) *uint64 { return &r.speed })),
		col(colIfPhysAddress, func(r *ifRow, v gosnmp.SnmpPDU) { r.MAC = asMAC(v) }),
		col(colIfAdminStatus, func(r *ifRow, v gosnmp.SnmpPDU) {
			n, _ := asInt(v)
			r.AdminStatus = adminStatusName(n)
		}),
		col(colIfOperStatus, func(r *ifRow, v gosnmp.SnmpPDU) {
			n, _ := asInt(v)
			r.OperStatus = operStatusName(n)
		}),
		col(colIfLastChange, func(r *ifRow, v gosnmp.SnmpPDU) { r.lastChange, r.hasLastChange = asUint64(v) }),
		fallback(col(colIfInOctets, u64(func(r *ifRow) *uint64 { return &r.in32 })), colIfHCInOctets, func(r *ifRow) bool { return r.hasHCIn }),
		fallback(col(colIfInUcastPkts, u64(func(r *ifRow) *uint64 { return &r.inU32 })), colIfHCInUcastPkts, func(r *ifRow) bool { return r.hasHCInU }),
		col(colIfInDiscards, u64(func(r *ifRow) *uint64 { return &r.InDiscards })),
		col(colIfInErrors, u64(func(r *ifRow) *uint64 { return &r.InErrors })),
		fallback(col(colIfOutOctets, u64(func(r *ifRow) *uint64 { return &r.out32 })), colIfHCOutOctets, func(r *ifRow) bool { return r.hasHCOut }),
		fallback(col(colIfOutUcast, u64(func(r *ifRow) *uint64 { return &r.outU32 })), colIfHCOutUcast, func(r *ifRow) bool { return r.hasHCOutU }),
		col(colIfOutDiscards, u64(func(r *ifRow) *uint64 { return &r.OutDiscards })),
		col(colIfOutErrors, u64(func(r *ifRow) *uint64 { return &r.OutErrors })),
		col(colIfName, func(r *ifRow, v gosnmp.SnmpPDU) { r.Name = asString(v) }),
		col(colIfHCInOctets, hc(func(r *ifRow) (*uint64, *bool) { return &r.hcIn, &r.hasHCIn })),
		col(colIfHCInUcastPkts, hc(func(r *ifRow) (*uint64, *bool) { return &r.hcInU, &r.hasHCInU })),
		col(colIfHCOutOctets, hc(func(r *ifRow) (*uint64, *bool) { return &r.hcOut, &r.hasHCOut })),
		col(colIfHCOutUcast, hc(func(r *ifRow) (*uint64, *bool) { return &r.hcOutU, &r.hasHCOutU })),
		col(colIfHighSpeed, hc(func(r *ifRow) (*uint64, *bool) { return &r.highSpeed, &r.hasHighSpeed })),
		col(colIfAlias, func(r *ifRow, v gosnmp.SnmpPDU) { r.Alias = asString(v) }),
	}
}

// indexes returns the row indexes seen, in no particular order.
func (c *collector) indexes() []int {
	idx := make([]int, 0, len(c.rows))
	for i := range c.rows {
		idx = append(idx, i)
	}
	return idx
}

// result assembles the PollResult from what was collected.
func (c *collector) result() *PollResult {
	res := &PollResult{Time: c.started.UTC(), System: c.sys}
	res.Enterprise = enterpriseNumber(c.sys.ObjectID)
	res.Vendor = VendorName(res.Enterprise)
	sw := ParseSysDescr(c.sys.Descr)
	res.Platform, res.Version = sw.Platform, sw.Version
	c.vendor.apply(res)

	idx := make([]int, 0, len(c.rows))
	for i := range c.rows {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	res.Interfaces = make([]Interface, 0, len(idx))
	for _, i := range idx {
		res.Interfaces = append(res.Interfaces, c.finish(c.rows[i]))
	}
	return res
}

func (c *collector) finish(r *ifRow) Interface {
	it := r.Interface
	if it.Name == "" {
		it.Name = it.Descr
	}
	it.Speed = r.speed
	if r.hasHighSpeed && (r.speed == 0xFFFFFFFF || r.highSpeed*1_000_000 > r.speed) {
		it.Speed = r.highSpeed * 1_000_000
	}
	pick := func(hc uint64, has bool, c32 uint64) uint64 {
		if has {
			return hc
		}
		return c32
	}
	it.InOctets = pick(r.hcIn, r.hasHCIn, r.in32)
	it.OutOctets = pick(r.hcOut, r.hasHCOut, r.out32)
	it.InUcastPkts = pick(r.hcInU, r.hasHCInU, r.inU32)
	it.OutUcastPkts = pick(r.hcOutU, r.hasHCOutU, r.outU32)
	it.HighCapacity = r.hasHCIn && r.hasHCOut
	if r.hasLastChange && c.hasUp && r.lastChange <= c.upTicks {
		ago := time.Duration(c.upTicks-r.lastChange) * 10 * time.Millisecond
		it.LastChange = c.started.Add(-ago).UTC().Truncate(10 * time.Millisecond)
	}
	return it
}

// String summarises a result in one line for logs and CLI output.
func (r *PollResult) String() string {
	return fmt.Sprintf("%s %s vendor=%s platform=%s version=%s interfaces=%d requests=%d in %s",
		r.Addr, r.System.Name, r.Vendor, r.Platform, r.Version, len(r.Interfaces), r.Requests, r.Duration.Round(time.Millisecond))
}

// walkShared polls an SNMPv2c agent on pooled sockets, with up to
// maxInFlightPerDevice requests in flight.
func walkShared(ctx context.Context, g *gosnmp.GoSNMP, target Target, p Profile, w *walker, c *collector) error {
	to, network, err := resolveAgent(ctx, target.Host, g.Port)
	if err != nil {
		return err
	}
	defer usePool()()
	w.send = &poolSender{ctx: ctx, network: network, to: to, community: g.Community, timeout: p.Timeout, retries: p.Retries}
	w.inFlight = maxInFlightPerDevice
	if err := w.bulk(c.scalars(), c.columns()); err != nil {
		return err
	}
	return w.fill(c.indexes())
}

// walkSession polls an SNMPv3 agent over a gosnmp session of its own.
func walkSession(ctx context.Context, g *gosnmp.GoSNMP, p Profile, w *walker, c *collector) error {
	if err := g.Connect(); err != nil {
		return err
	}
	// Closing a UDP socket after the poll cannot lose data; it may already
	// be closed by the cancel below.
	defer func() { _ = g.Conn.Close() }()
	// gosnmp only looks at ctx between requests; closing the socket makes a
	// cancel or deadline interrupt the request in flight at once.
	conn := g.Conn
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() }) // the poll reports the cancel
	defer stop()
	rec := &recordingConn{Conn: g.Conn}
	g.Conn = rec
	w.send = sessionSender{g: g}
	err := w.bulk(c.scalars(), c.columns())
	if err == nil {
		err = w.fill(c.indexes())
	}
	if err != nil {
		err = diagnoseAuth(err, rec)
		if p.SecurityLevel() == "authPriv" && w.requests == 0 && rec.last != nil && errors.Is(err, gosnmp.ErrMaxRetriesExceeded) {
			// The agent answered engine discovery, so it is up and knows the
			// engine; it silently drops requests it cannot decrypt.
			err = &PollError{Kind: KindAuth, Op: "poll", Hint: "check priv_proto and the privacy key",
				Err: fmt.Errorf("agent answered SNMPv3 discovery but not the encrypted request, most likely a wrong privacy key for user %q: %w", p.User, err)}
		}
		return err
	}
	return nil
}
