package service

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// ExportAt is Export of the inventory as the change log has it at at (an
// RFC 3339 time, a date or a change ID): every object whose newest change
// at or before that point left it existing, with the references (location
// paths, endpoint FQDNs) of that point. A scoped exporter gets the objects
// in scope as they were then; vendors are global.
func (s *Service) ExportAt(ctx context.Context, at string) (*unet.Bundle, error) {
	r := s.db.Reader()
	p, err := historyPoint(ctx, r, at)
	if err != nil {
		return nil, err
	}
	e, err := s.readEval(ctx, unet.PermInventoryExport)
	if err != nil {
		return nil, err
	}
	st, err := loadState(ctx, r, p)
	if err != nil {
		return nil, err
	}
	if e != nil {
		// Judge every object by the state of that point only.
		for _, l := range st.locations {
			e.locs[l.ID] = l
		}
		for _, n := range st.nodes {
			e.nodes[n.ID] = n
		}
		e.bulk = true
	}
	b := &unet.Bundle{}
	for _, v := range st.vendors {
		b.Vendors = append(b.Vendors, unet.VendorRecord{Name: v.Name, DisplayName: v.DisplayName})
	}
	paths := map[string]string{}
	for _, l := range st.locations {
		paths[l.ID] = l.Path
	}
	for _, l := range st.locations {
		if e != nil && !e.locationOK(l) {
			continue
		}
		b.Locations = append(b.Locations, unet.LocationRecord{Name: l.Name, Type: l.Type, Parent: paths[l.ParentID],
			Description: l.Description, Address: l.Address, Lifecycle: l.Lifecycle, SNMPProfile: l.SNMPProfile, Tags: nilIfEmpty(l.Tags), CustomData: nilIfEmptyMap(l.CustomData)})
	}
	fqdns := map[string]string{}
	for _, n := range st.nodes {
		fqdns[n.ID] = n.FQDN
	}
	for _, n := range st.nodes {
		if e != nil && !e.nodeOK(n) {
			continue
		}
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: n.Name, Domain: n.Domain, Vendor: n.Vendor, Model: n.Model,
			Role: n.Role, DeviceType: n.DeviceType, Platform: n.Platform, MgmtIP: n.MgmtIP, SoftwareVersion: n.SoftwareVersion,
			SerialNumber: n.SerialNumber, AssetTag: n.AssetTag, Location: paths[n.LocationID], Lifecycle: n.Lifecycle,
			Environment: n.Environment, SNMPProfile: n.SNMPProfile, Tags: nilIfEmpty(n.Tags), CustomData: nilIfEmptyMap(n.CustomData)})
	}
	for _, l := range st.links {
		l.ANode = fqdns[l.ANodeID]
		l.ZNode = fqdns[l.ZNodeID]
	}
	sort.SliceStable(st.links, func(i, j int) bool {
		ki, kj := st.links[i].ANode+":"+st.links[i].AInterface, st.links[j].ANode+":"+st.links[j].AInterface
		if ki != kj {
			return ki < kj
		}
		return st.links[i].ID < st.links[j].ID
	})
	for _, l := range st.links {
		if e != nil && !e.linkOK(l) {
			continue
		}
		b.Links = append(b.Links, unet.LinkRecord{Name: l.Name, ANode: l.ANode, AInterface: l.AInterface, ZNode: l.ZNode,
			ZInterface: l.ZInterface, Role: l.Role, BandwidthBPS: l.BandwidthBPS, CircuitID: l.CircuitID, Provider: l.Provider,
			Description: l.Description, Lifecycle: l.Lifecycle, Tags: nilIfEmpty(l.Tags), CustomData: nilIfEmptyMap(l.CustomData)})
	}
	return b, nil
}

// inventoryState is the inventory at a point of the change log, each kind
// in Export's order (vendors by name, locations by path, nodes by FQDN).
type inventoryState struct {
	vendors   []*unet.Vendor
	locations []*unet.Location
	nodes     []*unet.Node
	links     []*unet.Link
}

// loadState reads the inventory at p in one pass over the change log. The
// built-in vendors have no change rows: the vendors registered by then
// come from the registry, overlaid with their logged images.
func loadState(ctx context.Context, r sqlstore.Reader, p sqlstore.HistoryPoint) (*inventoryState, error) {
	rows, err := r.StateAt(ctx, []string{unet.KindLocation, unet.KindNode, unet.KindLink, unet.KindVendor}, p)
	if err != nil {
		return nil, err
	}
	registered, err := r.VendorsCreatedBy(ctx, p.Time)
	if err != nil {
		return nil, err
	}
	vendors := map[string]*unet.Vendor{}
	for i := range registered {
		vendors[registered[i].Name] = &registered[i]
	}
	st := &inventoryState{}
	for _, row := range rows {
		var v any
		switch row.Kind {
		case unet.KindLocation:
			l := &unet.Location{}
			st.locations, v = append(st.locations, l), l
		case unet.KindNode:
			n := &unet.Node{}
			st.nodes, v = append(st.nodes, n), n
		case unet.KindLink:
			l := &unet.Link{}
			st.links, v = append(st.links, l), l
		case unet.KindVendor:
			vd := &unet.Vendor{}
			vendors[row.ObjectID], v = vd, vd
		}
		if err := json.Unmarshal(row.After, v); err != nil {
			return nil, unet.Errorf(unet.EINTERNAL, "change %s holds an unreadable %s image: %v", row.ChangeID, row.Kind, err)
		}
	}
	for name, v := range vendors {
		if v.Name == "" {
			v.Name = name
		}
		st.vendors = append(st.vendors, v)
	}
	sort.Slice(st.vendors, func(i, j int) bool { return st.vendors[i].Name < st.vendors[j].Name })
	sort.SliceStable(st.locations, func(i, j int) bool { return st.locations[i].Path < st.locations[j].Path })
	sort.SliceStable(st.nodes, func(i, j int) bool { return st.nodes[i].FQDN < st.nodes[j].FQDN })
	return st, nil
}
