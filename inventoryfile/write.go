package inventoryfile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/unet-dev/unet"
)

// Write writes b into dir as one file per kind in the given format and returns
// the paths written. The output re-imports to the same inventory.
func Write(dir, format string, b *unet.Bundle) ([]string, error) {
	if formatOf("x."+format) == "" {
		return nil, unet.Errorf(unet.EINVALID, "unknown export format %q (want json, yaml or csv)", format)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, unet.Errorf(unet.EINVALID, "create %s: %v", dir, err)
	}
	var written []string
	for _, kind := range Kinds {
		data, err := Encode(kind, format, b)
		if err != nil {
			return written, err
		}
		path := filepath.Join(dir, kind+"."+format)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return written, unet.Errorf(unet.EINVALID, "write %s: %v", path, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return written, unet.Errorf(unet.EINVALID, "write %s: %v", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// records returns the records of one kind as JSON-shaped maps in bundle order.
func records(kind string, b *unet.Bundle) ([]map[string]any, error) {
	var v any
	switch kind {
	case "vendors":
		v = b.Vendors
	case "locations":
		v = b.Locations
	case "nodes":
		v = b.Nodes
	case "links":
		v = b.Links
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	for _, m := range out {
		delete(m, "source")
	}
	return out, nil
}

// columns lists the CSV columns of a kind, in file order.
func columns(kind string) []string {
	switch kind {
	case "vendors":
		return []string{"name", "display_name"}
	case "locations":
		return []string{"name", "type", "parent", "description", "address", "lifecycle", "snmp_profile", "tags", "custom_data"}
	case "nodes":
		return []string{"name", "domain", "vendor", "model", "role", "device_type", "platform", "mgmt_ip",
			"software_version", "serial_number", "asset_tag", "location", "lifecycle", "environment", "snmp_profile",
			"tags", "custom_data"}
	case "links":
		return []string{"name", "a_node", "a_interface", "z_node", "z_interface", "role", "bandwidth_bps",
			"circuit_id", "provider", "description", "lifecycle", "tags", "custom_data"}
	}
	return nil
}

// Encode renders the records of one kind in a format.
func Encode(kind, format string, b *unet.Bundle) ([]byte, error) {
	recs, err := records(kind, b)
	if err != nil {
		return nil, err
	}
	switch format {
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(recs); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case "yaml":
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(recs); err != nil {
			return nil, err
		}
		return buf.Bytes(), enc.Close()
	case "csv":
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		cols := columns(kind)
		if err := w.Write(cols); err != nil {
			return nil, err
		}
		for _, r := range recs {
			row := make([]string, len(cols))
			for i, c := range cols {
				cell, err := csvCell(r[c])
				if err != nil {
					return nil, fmt.Errorf("%s column %s: %w", kind, c, err)
				}
				row[i] = neutraliseCell(cell)
			}
			if err := w.Write(row); err != nil {
				return nil, err
			}
		}
		w.Flush()
		return buf.Bytes(), w.Error()
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// csvCell is the CSV text of a decoded JSON value: lists joined with ";",
// objects as JSON.
func csvCell(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ";"), nil
	default:
		j, err := json.Marshal(x)
		if err != nil {
			return "", fmt.Errorf("encode as JSON: %w", err)
		}
		return string(j), nil
	}
}
