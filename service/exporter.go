package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// Export dumps the whole inventory in interchange form: vendors by name,
// locations by path, nodes by FQDN, links by A end. A scoped exporter gets
// the objects in scope only (and every vendor: vendors are global).
func (s *Service) Export(ctx context.Context) (*unet.Bundle, error) {
	r := s.db.Reader()
	b := &unet.Bundle{}
	e, err := s.readEval(ctx, unet.PermInventoryExport)
	if err != nil {
		return nil, err
	}
	if e != nil {
		if err := e.preloadNodes(); err != nil {
			return nil, err
		}
	}
	vendors, err := r.ListVendors(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range vendors {
		b.Vendors = append(b.Vendors, unet.VendorRecord{Name: v.Name, DisplayName: v.DisplayName})
	}
	paths := map[string]string{}
	if err := eachPage(func(p unet.Page) (*unet.List[unet.Location], error) {
		return r.ListLocations(ctx, unet.LocationFilter{Page: p}, "")
	}, func(l unet.Location) {
		paths[l.ID] = l.Path
		if e != nil && !e.locationOK(&l) {
			return
		}
		b.Locations = append(b.Locations, unet.LocationRecord{Name: l.Name, Type: l.Type, Parent: paths[l.ParentID],
			Description: l.Description, Address: l.Address, Lifecycle: l.Lifecycle, SNMPProfile: l.SNMPProfile, Tags: nilIfEmpty(l.Tags), CustomData: nilIfEmptyMap(l.CustomData)})
	}); err != nil {
		return nil, err
	}
	if err := eachPage(func(p unet.Page) (*unet.List[unet.Node], error) {
		return r.ListNodes(ctx, sqlstore.NodeQuery{NodeFilter: unet.NodeFilter{Page: p}})
	}, func(n unet.Node) {
		if e != nil && !e.nodeOK(&n) {
			return
		}
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: n.Name, Domain: n.Domain, Vendor: n.Vendor, Model: n.Model,
			Role: n.Role, DeviceType: n.DeviceType, Platform: n.Platform, MgmtIP: n.MgmtIP, SoftwareVersion: n.SoftwareVersion,
			SerialNumber: n.SerialNumber, AssetTag: n.AssetTag, Location: paths[n.LocationID], Lifecycle: n.Lifecycle,
			Environment: n.Environment, SNMPProfile: n.SNMPProfile, Tags: nilIfEmpty(n.Tags), CustomData: nilIfEmptyMap(n.CustomData)})
	}); err != nil {
		return nil, err
	}
	if err := eachPage(func(p unet.Page) (*unet.List[unet.Link], error) {
		return r.ListLinks(ctx, unet.LinkFilter{Page: p}, "")
	}, func(l unet.Link) {
		if e != nil && !e.linkOK(&l) {
			return
		}
		b.Links = append(b.Links, unet.LinkRecord{Name: l.Name, ANode: l.ANode, AInterface: l.AInterface, ZNode: l.ZNode,
			ZInterface: l.ZInterface, Role: l.Role, BandwidthBPS: l.BandwidthBPS, CircuitID: l.CircuitID, Provider: l.Provider,
			Description: l.Description, Lifecycle: l.Lifecycle, Tags: nilIfEmpty(l.Tags), CustomData: nilIfEmptyMap(l.CustomData)})
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// eachPage walks a cursor-paginated list to the end.
func eachPage[T any](list func(unet.Page) (*unet.List[T], error), fn func(T)) error {
	p := unet.Page{Limit: 1000}
	for {
		page, err := list(p)
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			fn(it)
		}
		if page.Next == "" {
			return nil
		}
		p.Cursor = page.Next
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func nilIfEmptyMap(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}
