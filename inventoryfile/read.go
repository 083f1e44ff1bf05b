// Package inventoryfile reads and writes inventory interchange files — JSON,
// YAML or CSV, one file per kind (vendors, locations, nodes, links) or one
// combined file with those top-level keys — with every bad record reported by
// file, record number and field.
package inventoryfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
)

// Kinds are the per-kind file names, in import order.
var Kinds = []string{"vendors", "locations", "nodes", "links"}

// Formats are the accepted file formats.
var Formats = []string{"json", "yaml", "csv"}

// MaxFileSize bounds one input file.
const MaxFileSize = 256 << 20

func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return "json"
	case ".yaml", ".yml":
		return "yaml"
	case ".csv":
		return "csv"
	}
	return ""
}

func kindOf(path string) string {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	for _, k := range Kinds {
		if base == k {
			return k
		}
	}
	return ""
}

// Read loads a bundle from a file or a directory. In a directory, every file
// named after a kind (nodes.yaml, links.csv, …) is read, and any other .json or
// .yaml file is read as a combined file. All problems of all files are returned
// together as one invalid error.
func Read(path string) (*unet.Bundle, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, unet.Errorf(unet.EINVALID, "read %s: %v", path, err)
	}
	files := []string{path}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "read %s: %v", path, err)
		}
		files = files[:0]
		for _, e := range entries {
			if e.IsDir() || formatOf(e.Name()) == "" {
				continue
			}
			files = append(files, filepath.Join(path, e.Name()))
		}
		sort.Slice(files, func(i, j int) bool { return fileRank(files[i]) < fileRank(files[j]) })
		if len(files) == 0 {
			return nil, unet.Errorf(unet.EINVALID, "%s holds no .json, .yaml or .csv inventory file", path)
		}
	}
	b := &unet.Bundle{}
	var errs []unet.FieldError
	for _, f := range files {
		errs = append(errs, readFile(f, b)...)
	}
	if len(errs) > 0 {
		return nil, unet.Invalid("bad inventory file", errs...)
	}
	return b, nil
}

// fileRank orders per-kind files in import order, combined files first.
func fileRank(path string) string {
	k := kindOf(path)
	for i, kk := range Kinds {
		if k == kk {
			return fmt.Sprintf("%d/%s", i+1, path)
		}
	}
	return "0/" + path
}

// readFile decodes one file into b and returns its problems.
func readFile(path string, b *unet.Bundle) []unet.FieldError {
	data, err := os.ReadFile(path)
	if err != nil {
		return []unet.FieldError{{File: path, Message: err.Error()}}
	}
	if len(data) > MaxFileSize {
		return []unet.FieldError{{File: path, Message: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}}
	}
	return Decode(path, data, b)
}

// Decode decodes the content of one file (its name decides format and kind) into
// b and returns every problem found, each with file, record and field.
func Decode(name string, data []byte, b *unet.Bundle) []unet.FieldError {
	format, kind := formatOf(name), kindOf(name)
	if format == "" {
		return []unet.FieldError{{File: name, Message: "unknown file format: use .json, .yaml, .yml or .csv"}}
	}
	if format == "csv" {
		if kind == "" {
			return []unet.FieldError{{File: name, Message: "a CSV file must be named after its kind: vendors.csv, locations.csv, nodes.csv or links.csv"}}
		}
		recs, errs := decodeCSV(name, data)
		if len(errs) > 0 {
			return errs
		}
		return addRecords(name, kind, recs, b)
	}
	var sections map[string][]rawRecord
	var errs []unet.FieldError
	if format == "json" {
		sections, errs = decodeJSON(name, kind, data)
	} else {
		sections, errs = decodeYAML(name, kind, data)
	}
	if len(errs) > 0 {
		return errs
	}
	for _, k := range Kinds {
		if recs, ok := sections[k]; ok {
			errs = append(errs, addRecords(name, k, recs, b)...)
		}
	}
	return errs
}

// rawRecord is one record as JSON, with its position for messages.
type rawRecord struct {
	json []byte
	line int
	// fields maps top-level keys to their lines (YAML).
	fields map[string]int
}

// addRecords strictly decodes each record into its type.
func addRecords(file, kind string, recs []rawRecord, b *unet.Bundle) []unet.FieldError {
	var errs []unet.FieldError
	for i, r := range recs {
		src := &unet.Origin{File: file, Record: i + 1, Line: r.line, FieldLines: r.fields}
		var err error
		switch kind {
		case "vendors":
			var v unet.VendorRecord
			if err = strictDecode(r.json, &v); err == nil {
				v.Source = src
				b.Vendors = append(b.Vendors, v)
			}
		case "locations":
			var v unet.LocationRecord
			if err = strictDecode(r.json, &v); err == nil {
				v.Source = src
				b.Locations = append(b.Locations, v)
			}
		case "nodes":
			var v unet.NodeRecord
			if err = strictDecode(r.json, &v); err == nil {
				v.Source = src
				b.Nodes = append(b.Nodes, v)
			}
		case "links":
			var v unet.LinkRecord
			if err = strictDecode(r.json, &v); err == nil {
				v.Source = src
				b.Links = append(b.Links, v)
			}
		}
		if err != nil {
			fe := decodeFieldError(err)
			fe.File, fe.Record = file, i+1
			if line := src.LineOf(fe.Field); line > 0 {
				fe.Message += fmt.Sprintf(" (line %d)", line)
			}
			errs = append(errs, fe)
		}
	}
	return errs
}

func strictDecode(data []byte, v any) error {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("null")) {
		return fmt.Errorf("record is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	// "source" is set by the reader, never by the file.
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) == nil {
		if _, ok := probe["source"]; ok {
			return fmt.Errorf(`json: unknown field "source"`)
		}
	}
	return nil
}

// decodeFieldError names the field of a JSON decoding error.
func decodeFieldError(err error) unet.FieldError {
	var te *json.UnmarshalTypeError
	if e, ok := err.(*json.UnmarshalTypeError); ok {
		te = e
		return unet.FieldError{Field: te.Field, Message: fmt.Sprintf("must be %s, not %s", describe(te.Type.Kind().String()), te.Value)}
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return unet.FieldError{Field: strings.Trim(rest, `"`), Message: "unknown field"}
	}
	if strings.Contains(msg, "cannot unmarshal") && strings.Contains(msg, "into Go value of type") {
		return unet.FieldError{Message: "record must be an object"}
	}
	return unet.FieldError{Message: strings.TrimPrefix(msg, "json: ")}
}

func describe(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "map":
		return "an object"
	case goKind == "slice":
		return "a list"
	case goKind == "string":
		return "a string"
	}
	return goKind
}
