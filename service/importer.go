package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// errDryRun rolls back the transaction of a dry-run import.
var errDryRun = errors.New("dry run")

// errNewNode stands for the lookup of a node the import index knows is new.
var errNewNode = errors.New("new node")

// importer runs one import inside one transaction and collects every problem.
type importer struct {
	s      *Service
	tx     *sqlstore.Tx
	m      mutation
	report *unet.ImportReport
	errs   []unet.FieldError
	// denied is set when a record was refused as outside the importer's
	// scope: the import then fails as forbidden rather than invalid.
	denied bool
	// refused is set when `serve --require-change-sets` refused a record:
	// the import then fails with that conflict.
	refused error
}

func (im *importer) fail(src *unet.Origin, err error) {
	if unet.ErrorCode(err) == unet.EFORBIDDEN {
		im.denied = true
	}
	if errors.Is(err, errDirectWriteRefused) && im.refused == nil {
		im.refused = err
	}
	fields := unet.ErrorFields(err)
	if len(fields) == 0 {
		msg := err.Error()
		if unet.ErrorCode(err) == unet.EINTERNAL {
			msg = "internal error"
		}
		fields = []unet.FieldError{{Message: msg}}
	}
	for _, f := range fields {
		if src != nil {
			f.File, f.Record = src.File, src.Record
			if line := src.LineOf(f.Field); line > 0 {
				f.Message += fmt.Sprintf(" (line %d)", line)
			}
		}
		im.errs = append(im.errs, f)
	}
}

func (im *importer) done(kind, name, action string) {
	im.report.Actions = append(im.report.Actions, unet.ImportAction{Kind: kind, Name: name, Action: action})
	switch action {
	case "create":
		im.report.Created++
	case "update":
		im.report.Updated++
	default:
		im.report.Unchanged++
	}
}

// Import upserts the bundle by natural keys in one transaction. Any bad record
// aborts the whole import; every problem is reported with file and record.
func (s *Service) Import(ctx context.Context, b *unet.Bundle, o unet.ImportOptions) (*unet.ImportReport, error) {
	report := &unet.ImportReport{DryRun: o.DryRun, Actions: []unet.ImportAction{}}
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		*report = unet.ImportReport{DryRun: o.DryRun, Actions: []unet.ImportAction{}}
		if err := s.finishWrite(ctx, tx, m, s.importTx(ctx, tx, b, m, report)); err != nil {
			return err
		}
		if o.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return report, nil
	}
	if err != nil {
		return nil, err
	}
	return report, nil
}

// errImportFailed drops the queued inserts of an import that found bad
// records (its transaction rolls back).
var errImportFailed = errors.New("import failed")

// importTx upserts the bundle inside tx, filling report; every bad record
// is reported in one error.
//
// A large import (bulkImportMin nodes and links or more) first loads an
// importIndex, so that records of new objects need no per-record reads, and
// queues the inserts of new nodes, links and their change rows to write
// them in a few statements (sqlstore.Tx.Buffered). Validation, the report
// and the change rows are those of the row-by-row path, which a small
// import takes.
func (s *Service) importTx(ctx context.Context, tx *sqlstore.Tx, b *unet.Bundle, m mutation, report *unet.ImportReport) error {
	m.cache = newRefCache()
	im := &importer{s: s, tx: tx, m: m, report: report}
	if len(b.Nodes)+len(b.Links) < bulkImportMin {
		im.run(ctx, b)
	} else if err := im.runBulk(ctx, b); err != nil {
		return err
	}
	if im.refused != nil {
		return im.refused
	}
	if im.denied {
		return &unet.Error{Code: unet.EFORBIDDEN, Message: "import refused: it writes objects outside your scope; nothing was written", Fields: im.errs}
	}
	if len(im.errs) > 0 {
		return unet.Invalid("import failed: nothing was written", im.errs...)
	}
	return nil
}

// runBulk runs the import with its index loaded and its inserts buffered;
// the error is that of loading the index or of writing the queue (the
// problems of records are collected as run collects them).
func (im *importer) runBulk(ctx context.Context, b *unet.Bundle) error {
	err := im.tx.Buffered(ctx, func() error {
		idx, err := loadImportIndex(ctx, im.tx.Reader(), im.m.cache)
		if err != nil {
			return err
		}
		im.m.cache.index = idx
		im.run(ctx, b)
		if im.refused != nil || im.denied || len(im.errs) > 0 {
			return errImportFailed
		}
		return nil
	})
	if errors.Is(err, errImportFailed) {
		return nil
	}
	return err
}

func (im *importer) run(ctx context.Context, b *unet.Bundle) {
	for i := range b.Vendors {
		im.vendor(ctx, &b.Vendors[i])
	}
	// Parents first: order by path depth, keeping file order among equals.
	locs := make([]*unet.LocationRecord, len(b.Locations))
	for i := range b.Locations {
		locs[i] = &b.Locations[i]
	}
	sort.SliceStable(locs, func(i, j int) bool { return depth(locs[i]) < depth(locs[j]) })
	for _, l := range locs {
		im.location(ctx, l)
	}
	for i := range b.Nodes {
		im.node(ctx, &b.Nodes[i])
	}
	for i := range b.Links {
		im.link(ctx, &b.Links[i])
	}
}

func depth(l *unet.LocationRecord) int {
	if l.Parent == "" {
		return 0
	}
	return strings.Count(l.Parent, "/") + 1
}

func (im *importer) vendor(ctx context.Context, rec *unet.VendorRecord) {
	v := &unet.Vendor{Name: rec.Name, DisplayName: rec.DisplayName}
	v.Normalize()
	if err := v.Validate(); err != nil {
		im.fail(rec.Source, err)
		return
	}
	cur, err := im.tx.Reader().GetVendor(ctx, v.Name)
	switch {
	case err == nil && (rec.DisplayName == "" || cur.DisplayName == v.DisplayName):
		im.done(unet.KindVendor, v.Name, "unchanged")
	case err == nil:
		if err := im.tx.UpdateVendor(ctx, v); err != nil {
			im.fail(rec.Source, err)
			return
		}
		if err := im.m.record(ctx, im.tx, unet.KindVendor, v.Name, v.Name, unet.OpUpdate, cur, v); err != nil {
			im.fail(rec.Source, err)
			return
		}
		im.done(unet.KindVendor, v.Name, "update")
	default:
		if err := im.s.createVendor(ctx, im.tx, v, im.m); err != nil {
			im.fail(rec.Source, err)
			return
		}
		im.done(unet.KindVendor, v.Name, "create")
	}
}

func (im *importer) location(ctx context.Context, rec *unet.LocationRecord) {
	l := &unet.Location{Name: rec.Name, Type: rec.Type, ParentID: rec.Parent, Description: rec.Description,
		Address: rec.Address, Lifecycle: rec.Lifecycle, SNMPProfile: rec.SNMPProfile}
	l.Tags, l.CustomData = rec.Tags, rec.CustomData
	r := im.tx.Reader()
	path := rec.Name
	if rec.Parent != "" {
		path = rec.Parent + "/" + rec.Name
	}
	cur, err := r.FindLocation(ctx, path)
	if err != nil {
		if err := im.s.createLocation(ctx, im.tx, l, im.m); err != nil {
			im.fail(rec.Source, err)
			return
		}
		im.done(unet.KindLocation, l.Path, "create")
		return
	}
	next := *cur
	next.Name, next.Type, next.ParentID, next.Description, next.Address = l.Name, l.Type, l.ParentID, l.Description, l.Address
	next.Lifecycle, next.Tags, next.CustomData, next.SNMPProfile = l.Lifecycle, l.Tags, l.CustomData, l.SNMPProfile
	out, err := im.s.updateLocation(ctx, im.tx, cur, &next, im.m)
	if err != nil {
		im.fail(rec.Source, err)
		return
	}
	im.done(unet.KindLocation, out.Path, action(cur.Version, out.Version))
}

func action(before, after int) string {
	if before == after {
		return "unchanged"
	}
	return "update"
}

func (im *importer) node(ctx context.Context, rec *unet.NodeRecord) {
	n := &unet.Node{Name: rec.Name, Domain: rec.Domain, Vendor: rec.Vendor, Model: rec.Model, Role: rec.Role,
		DeviceType: rec.DeviceType, Platform: rec.Platform, MgmtIP: rec.MgmtIP, SoftwareVersion: rec.SoftwareVersion,
		SerialNumber: rec.SerialNumber, AssetTag: rec.AssetTag, LocationID: rec.Location, Lifecycle: rec.Lifecycle,
		Environment: rec.Environment, SNMPProfile: rec.SNMPProfile}
	n.Tags, n.CustomData = rec.Tags, rec.CustomData
	probe := *n
	probe.Normalize()
	var cur *unet.Node
	err := errNewNode
	if !im.m.cache.nodeAbsent(probe.FQDN) {
		cur, err = im.tx.Reader().NodeByFQDN(ctx, probe.FQDN)
	}
	if err != nil {
		if err := im.s.createNode(ctx, im.tx, n, im.m); err != nil {
			im.fail(rec.Source, err)
			return
		}
		im.m.cache.nodeCreated(n)
		im.done(unet.KindNode, n.FQDN, "create")
		return
	}
	n.Meta = cur.Meta
	n.Tags, n.CustomData = rec.Tags, rec.CustomData
	out, err := im.s.updateNode(ctx, im.tx, cur, n, im.m)
	if err != nil {
		im.fail(rec.Source, err)
		return
	}
	im.done(unet.KindNode, out.FQDN, action(cur.Version, out.Version))
}

func (im *importer) link(ctx context.Context, rec *unet.LinkRecord) {
	l := &unet.Link{Name: rec.Name, ANodeID: rec.ANode, AInterface: rec.AInterface, ZNodeID: rec.ZNode,
		ZInterface: rec.ZInterface, Role: rec.Role, BandwidthBPS: rec.BandwidthBPS, CircuitID: rec.CircuitID,
		Provider: rec.Provider, Description: rec.Description, Lifecycle: rec.Lifecycle}
	l.Tags, l.CustomData = rec.Tags, rec.CustomData
	r := im.tx.Reader()
	// Natural key: the A end (an interface belongs to at most one link).
	var cur *unet.Link
	if aID, _, err := im.m.cache.nodeKey(ctx, r, rec.ANode); err == nil {
		if id, err := im.m.cache.linkAt(ctx, r, aID, rec.AInterface); err == nil && id != "" {
			if cur, err = r.GetLink(ctx, id); err != nil && unet.ErrorCode(err) != unet.ENOTFOUND {
				im.fail(rec.Source, err)
				return
			}
		}
	}
	if cur == nil {
		if err := im.s.createLink(ctx, im.tx, l, im.m); err != nil {
			im.fail(rec.Source, err)
			return
		}
		im.m.cache.linkWritten(nil, l)
		im.done(unet.KindLink, linkLabel(l), "create")
		return
	}
	l.Meta = cur.Meta
	l.Tags, l.CustomData = rec.Tags, rec.CustomData
	out, err := im.s.updateLink(ctx, im.tx, cur, l, im.m)
	if err != nil {
		im.fail(rec.Source, err)
		return
	}
	if out.Version != cur.Version {
		im.m.cache.linkWritten(cur, out)
	}
	im.done(unet.KindLink, linkLabel(out), action(cur.Version, out.Version))
}
