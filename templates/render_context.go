package templates

import (
	"encoding/json"
	"fmt"
	"time"
)

// RenderContext is the context of a node render (SPEC §4.1). Fields hold
// domain values of any type (structs with JSON tags, maps, slices); Vars
// converts them to template variables through their JSON form, so
// templates see the JSON field names (node.custom_data, link.a_interface)
// and integers stay integers.
type RenderContext struct {
	// Node is the effective node after policy, including custom_data.
	Node any
	// Location is the node's location, with its ancestors.
	Location any
	// Links are the node's links, each with the peer node and interface.
	Links any
	// Interfaces and Status are derived state; nil leaves them undefined.
	Interfaces any
	Status     any
	// User holds user variables (--var k=v, --vars file.yaml): "vars".
	User map[string]any
	// GeneratedAt is the render time, written in UTC as unet.generated_at.
	GeneratedAt time.Time
}

// Vars returns the template variables for rendering template: node,
// location, links, interfaces and status when present, vars, and unet
// (generated_at, template).
func (c RenderContext) Vars(template string) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range []struct {
		name     string
		value    any
		required bool
	}{
		{"node", c.Node, true},
		{"location", c.Location, true},
		{"links", c.Links, true},
		{"interfaces", c.Interfaces, false},
		{"status", c.Status, false},
	} {
		if f.value == nil {
			if f.required {
				switch f.name {
				case "links":
					out[f.name] = []any{}
				default:
					out[f.name] = map[string]any{}
				}
			}
			continue
		}
		v, err := jsonValue(f.value)
		if err != nil {
			return nil, fmt.Errorf("render context %s: %w", f.name, err)
		}
		out[f.name] = v
	}
	var user any = map[string]any{}
	if c.User != nil {
		v, err := jsonValue(c.User)
		if err != nil {
			return nil, fmt.Errorf("render context vars: %w", err)
		}
		user = v
	}
	out["vars"] = user
	out["unet"] = map[string]any{
		"generated_at": c.GeneratedAt.UTC().Format(time.RFC3339),
		"template":     template,
	}
	return out, nil
}

// jsonValue converts v to plain template data through its JSON form.
func jsonValue(v any) (any, error) {
	data, err := json.Marshal(map[string]any{"v": v})
	if err != nil {
		return nil, err
	}
	m, err := DecodeJSONContext(data)
	if err != nil {
		return nil, err
	}
	return m["v"], nil
}
