package service

import (
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/jinja"
)

// Policy inputs of links and locations are built for every object of a full
// evaluation (30,000 maps at 10,000 nodes, and a location's for every node):
// linkMap and locationMap build what objectMap gives for them field by field
// instead of through reflection and the template value in between.
// TestObjectMapsMatch holds them to objectMap.

// linkMap is objectMap(l).
func linkMap(l *unet.Link) map[string]any {
	if !jsonTimes(&l.Meta) {
		return reflectedObjectMap(l)
	}
	m := make(map[string]any, 19)
	putMeta(m, &l.Meta)
	putText(m, "name", l.Name)
	putText(m, "a_node_id", l.ANodeID)
	putText(m, "a_interface", l.AInterface)
	putText(m, "z_node_id", l.ZNodeID)
	putText(m, "z_interface", l.ZInterface)
	putText(m, "role", l.Role)
	m["bandwidth_bps"] = float64(l.BandwidthBPS)
	putText(m, "circuit_id", l.CircuitID)
	putText(m, "provider", l.Provider)
	putText(m, "description", l.Description)
	putText(m, "lifecycle", l.Lifecycle)
	putText(m, "a_node", l.ANode)
	putText(m, "z_node", l.ZNode)
	return m
}

// locationObjectMap is objectMap(l).
func locationObjectMap(l *unet.Location) map[string]any {
	if !jsonTimes(&l.Meta) {
		return reflectedObjectMap(l)
	}
	m := make(map[string]any, 15)
	putMeta(m, &l.Meta)
	putText(m, "name", l.Name)
	putText(m, "type", l.Type)
	putText(m, "parent_id", l.ParentID)
	putText(m, "path", l.Path)
	putText(m, "description", l.Description)
	putText(m, "address", l.Address)
	putText(m, "lifecycle", l.Lifecycle)
	putText(m, "snmp_profile", l.SNMPProfile)
	return m
}

// putMeta puts the fields of an object's Meta as its JSON form decodes.
func putMeta(m map[string]any, meta *unet.Meta) {
	putText(m, "id", meta.ID)
	m["created_at"] = meta.CreatedAt.Format(time.RFC3339Nano)
	m["updated_at"] = meta.UpdatedAt.Format(time.RFC3339Nano)
	m["version"] = float64(meta.Version)
	if meta.CustomData == nil {
		m["custom_data"] = nil
	} else {
		m["custom_data"] = plainValue(meta.CustomData)
	}
	if meta.Tags == nil {
		m["tags"] = nil
	} else {
		tags := make([]any, len(meta.Tags))
		for i, t := range meta.Tags {
			tags[i] = t
		}
		m["tags"] = tags
	}
}

// putText puts a string field; objectMap leaves out empty strings.
func putText(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// jsonTimes reports whether meta's times have a JSON form (years 0 to
// 9999): an object with one that has none has no map (objectMap).
func jsonTimes(meta *unet.Meta) bool {
	for _, t := range []time.Time{meta.CreatedAt, meta.UpdatedAt} {
		if y := t.Year(); y < 0 || y > 9999 {
			return false
		}
	}
	return true
}

// plainValue is v as its JSON form decodes (see fullMap).
func plainValue(v any) any {
	d, _ := jinja.FromJSONable(v)
	return plainJSON(d)
}
