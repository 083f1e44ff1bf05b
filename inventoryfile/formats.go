package inventoryfile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/unet-dev/unet"
)

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

func jsonSyntax(file string, data []byte, err error) []unet.FieldError {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		l, c := lineCol(data, se.Offset)
		return []unet.FieldError{{File: file, Message: fmt.Sprintf("line %d column %d: %s", l, c, se.Error())}}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return []unet.FieldError{{File: file, Message: "unexpected end of file"}}
	}
	return []unet.FieldError{{File: file, Message: err.Error()}}
}

// decodeJSON reads a per-kind file (a list of records) or a combined file (an
// object whose keys are kinds).
func decodeJSON(file, kind string, data []byte) (map[string][]rawRecord, []unet.FieldError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonSyntax(file, data, err)
	}
	out := map[string][]rawRecord{}
	// Lines are counted incrementally: records come in offset order.
	line, counted := 1, int64(0)
	lineAt := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		if off > counted {
			line += bytes.Count(data[counted:off], []byte("\n"))
			counted = off
		}
		return line
	}
	readList := func() ([]rawRecord, []unet.FieldError) {
		var recs []rawRecord
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, jsonSyntax(file, data, err)
			}
			// The record starts where its bytes begin, before the decoder's
			// current offset (just past it).
			recs = append(recs, rawRecord{json: raw, line: lineAt(dec.InputOffset() - int64(len(raw)))})
		}
		if _, err := dec.Token(); err != nil {
			return nil, jsonSyntax(file, data, err)
		}
		return recs, nil
	}
	switch {
	case tok == json.Delim('[') && kind != "":
		recs, errs := readList()
		if errs != nil {
			return nil, errs
		}
		out[kind] = recs
	case tok == json.Delim('{'):
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, jsonSyntax(file, data, err)
			}
			key, _ := kt.(string)
			if kind != "" && key != kind || !isKind(key) {
				return nil, []unet.FieldError{{File: file, Field: key, Message: "unknown top-level key (want vendors, locations, nodes, links)"}}
			}
			t, err := dec.Token()
			if err != nil {
				return nil, jsonSyntax(file, data, err)
			}
			if t != json.Delim('[') {
				return nil, []unet.FieldError{{File: file, Field: key, Message: "must be a list of records"}}
			}
			recs, errs := readList()
			if errs != nil {
				return nil, errs
			}
			out[key] = append(out[key], recs...)
		}
	default:
		want := "an object with keys vendors, locations, nodes, links"
		if kind != "" {
			want = "a list of " + kind
		}
		return nil, []unet.FieldError{{File: file, Message: "the file must hold " + want}}
	}
	return out, nil
}

func isKind(k string) bool {
	for _, kk := range Kinds {
		if k == kk {
			return true
		}
	}
	return false
}

// decodeYAML reads YAML the same way as decodeJSON; each record is converted to
// JSON so that decoding rules are identical for both formats.
func decodeYAML(file, kind string, data []byte) (map[string][]rawRecord, []unet.FieldError) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []unet.FieldError{{File: file, Message: yamlErrorMessage(err)}}
	}
	out := map[string][]rawRecord{}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	readList := func(n *yaml.Node, key string) ([]rawRecord, []unet.FieldError) {
		if n.Kind != yaml.SequenceNode {
			return nil, []unet.FieldError{{File: file, Field: key, Message: fmt.Sprintf("line %d: must be a list of records", n.Line)}}
		}
		var recs []rawRecord
		var errs []unet.FieldError
		for i, item := range n.Content {
			var v any
			if err := item.Decode(&v); err != nil {
				errs = append(errs, unet.FieldError{File: file, Record: i + 1, Message: fmt.Sprintf("line %d: %v", item.Line, err)})
				continue
			}
			j, err := json.Marshal(jsonable(v))
			if err != nil {
				errs = append(errs, unet.FieldError{File: file, Record: i + 1, Message: fmt.Sprintf("line %d: %v", item.Line, err)})
				continue
			}
			recs = append(recs, rawRecord{json: j, line: item.Line, fields: keyLines(item)})
		}
		return recs, errs
	}
	switch {
	case root.Kind == yaml.SequenceNode && kind != "":
		recs, errs := readList(root, kind)
		if errs != nil {
			return nil, errs
		}
		out[kind] = recs
	case root.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(root.Content); i += 2 {
			key := root.Content[i].Value
			if kind != "" && key != kind || !isKind(key) {
				return nil, []unet.FieldError{{File: file, Field: key, Message: fmt.Sprintf("line %d: unknown top-level key (want vendors, locations, nodes, links)", root.Content[i].Line)}}
			}
			recs, errs := readList(root.Content[i+1], key)
			if errs != nil {
				return nil, errs
			}
			out[key] = append(out[key], recs...)
		}
	default:
		want := "a mapping with keys vendors, locations, nodes, links"
		if kind != "" {
			want = "a list of " + kind
		}
		return nil, []unet.FieldError{{File: file, Message: "the file must hold " + want}}
	}
	return out, nil
}

// keyLines maps the keys of a YAML mapping to their lines.
func keyLines(n *yaml.Node) map[string]int {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	out := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i].Line
	}
	return out
}

// yamlParserErrorRe matches the errors of yaml.v3's parser (as opposed to its
// scanner). yaml.v3 reports their line counting from 0 (the line where the
// construct that failed starts), or no line when that is the first line.
var yamlParserErrorRe = regexp.MustCompile(`^(?:line (\d+): )?((?:did not find expected|found undefined tag handle|found incompatible YAML document|found duplicate %).*)$`)

// yamlErrorMessage returns a YAML syntax error with its real 1-based line.
func yamlErrorMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlParserErrorRe.FindStringSubmatch(msg); m != nil {
		// An absent line means the first line (0); a number too large for
		// an int is no line at all.
		line := 0
		if m[1] != "" {
			n, err := strconv.Atoi(m[1])
			if err != nil {
				return msg
			}
			line = n
		}
		return fmt.Sprintf("line %d: %s", line+1, m[2])
	}
	return msg
}

// jsonable converts YAML-decoded values (which may have non-string map keys)
// into values encoding/json accepts.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	}
	return v
}

// CSV columns whose cells are not plain strings.
var (
	csvInt  = map[string]bool{"bandwidth_bps": true}
	csvList = map[string]bool{"tags": true}
	csvJSON = map[string]bool{"custom_data": true}
)

// decodeCSV reads a header row of field names and one record per row. Tags are
// separated by ';', custom_data is a JSON object, empty cells are omitted, and
// one leading quote of a cell is removed (see neutraliseCell).
func decodeCSV(file string, data []byte) ([]rawRecord, []unet.FieldError) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, []unet.FieldError{{File: file, Message: err.Error()}}
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	var recs []rawRecord
	var errs []unet.FieldError
	for n := 1; ; n++ {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, unet.FieldError{File: file, Record: n, Message: err.Error()})
			break
		}
		line, _ := r.FieldPos(0)
		obj := map[string]any{}
		for i, cell := range row {
			col := header[i]
			cell = restoreCell(cell)
			if cell == "" {
				continue
			}
			switch {
			case csvInt[col]:
				v, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64)
				if err != nil {
					errs = append(errs, unet.FieldError{File: file, Record: n, Field: col, Message: fmt.Sprintf("%q is not an integer", cell)})
					continue
				}
				obj[col] = v
			case csvList[col]:
				var list []string
				for _, t := range strings.Split(cell, ";") {
					if t = strings.TrimSpace(t); t != "" {
						list = append(list, t)
					}
				}
				obj[col] = list
			case csvJSON[col]:
				var v any
				if err := json.Unmarshal([]byte(cell), &v); err != nil {
					errs = append(errs, unet.FieldError{File: file, Record: n, Field: col, Message: "is not valid JSON: " + err.Error()})
					continue
				}
				obj[col] = v
			default:
				obj[col] = cell
			}
		}
		j, err := json.Marshal(obj)
		if err != nil {
			errs = append(errs, unet.FieldError{File: file, Record: n, Message: "cannot be encoded as JSON: " + err.Error()})
			continue
		}
		recs = append(recs, rawRecord{json: j, line: line})
	}
	return recs, errs
}
