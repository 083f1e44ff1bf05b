package cli

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/unet-dev/unet"
)

// configLeaves maps every key serveConfig decodes (section.key) to its Go
// type: the keys the settings table must describe.
func configLeaves() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" || name == "-" {
				continue
			}
			key := prefix + name
			if f.Type.Kind() == reflect.Struct {
				walk(key+".", f.Type)
				continue
			}
			out[key] = f.Type
		}
	}
	walk("", reflect.TypeFor[serveConfig]())
	return out
}

// typeName is the type of a setting as the reference names it.
func typeName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[duration]():
		return "duration"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		return "integer"
	case t.Kind() == reflect.Float64:
		return "number"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "list of strings"
	case t.Kind() == reflect.Interface:
		return "boolean or list of strings"
	}
	return t.String()
}

// tomlValue writes v as a TOML value.
func tomlValue(v any) string {
	switch x := v.(type) {
	case string:
		return tomlString(x)
	case bool:
		return fmt.Sprint(x)
	case int64:
		return fmt.Sprint(x)
	case float64:
		return fmt.Sprint(x)
	case time.Duration:
		return tomlString(shortDuration(x))
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = tomlString(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	panic(fmt.Sprintf("settings: no TOML form for %T", v))
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// shortDuration writes d without zero minutes and seconds: 720h, 15m, 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// displayValue shows a value read from the file, the environment or a flag.
func displayValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = displayValue(e)
		}
		return strings.Join(parts, ",")
	case time.Duration:
		return shortDuration(x)
	}
	return fmt.Sprint(v)
}

// keyPositions returns the line and column of every key set in a TOML
// document (section.key), for messages about values.
func keyPositions(data []byte) map[string][2]int {
	out := map[string][2]int{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		var parts []string
		var first *unstable.Node
		for it := e.Key(); it.Next(); {
			n := it.Node()
			if first == nil {
				first = n
			}
			parts = append(parts, string(n.Data))
		}
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = parts
			if first != nil {
				sh := p.Shape(p.Range(first.Data))
				out[strings.Join(parts, ".")] = [2]int{sh.Start.Line, sh.Start.Column}
			}
		case unstable.KeyValue:
			if first == nil {
				continue
			}
			sh := p.Shape(p.Range(first.Data))
			key := strings.Join(append(append([]string{}, table...), parts...), ".")
			out[key] = [2]int{sh.Start.Line, sh.Start.Column}
		}
	}
	return out
}

// flattenTOML turns a decoded document into section.key -> value.
func flattenTOML(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flattenTOML(prefix+k+".", sub, out)
			continue
		}
		out[prefix+k] = v
	}
}

// wrongTOMLType finds the TOML type in go-toml's type mismatch message.
var wrongTOMLType = regexp.MustCompile(`cannot decode TOML (\w+)`)

// decodeConfig decodes a config file strictly into serveConfig: unknown
// keys, wrong types and bad durations are errors with line and column.
func decodeConfig(path string, data []byte) (*serveConfig, error) {
	cfg := &serveConfig{}
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	err := dec.Decode(cfg)
	if err == nil {
		return cfg, nil
	}
	var missing *toml.StrictMissingError
	if errors.As(err, &missing) {
		var fe []unet.FieldError
		for _, e := range missing.Errors {
			row, col := e.Position()
			fe = append(fe, unet.FieldError{File: fmt.Sprintf("%s:%d:%d", path, row, col), Field: strings.Join(e.Key(), "."), Message: "unknown key"})
		}
		return nil, unet.Invalid("config file "+path+" has unknown keys", fe...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		msg := err.Error()
		key := strings.Join(de.Key(), ".")
		if m := wrongTOMLType.FindStringSubmatch(msg); m != nil && key != "" {
			want := "a value of another type"
			if t, ok := configLeaves()[key]; ok {
				want = typeName(t)
			}
			msg = fmt.Sprintf("%s: want %s, not a TOML %s", key, want, m[1])
		}
		return nil, unet.Errorf(unet.EINVALID, "config file %s:%d:%d: %s", path, row, col, msg)
	}
	return nil, unet.Errorf(unet.EINVALID, "config file %s: %v", path, err)
}

// checkConfigValues checks the values of a decoded file with the checks of
// the settings table and the server's own resolution of the settings that
// combine keys; every problem is reported with its line and column.
func checkConfigValues(path string, data []byte, cfg *serveConfig) error {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return unet.Errorf(unet.EINVALID, "config file %s: %v", path, err)
	}
	set := map[string]any{}
	flattenTOML("", doc, set)
	pos := keyPositions(data)
	at := func(key string) string {
		if p, ok := pos[key]; ok {
			return fmt.Sprintf("%s:%d:%d", path, p[0], p[1])
		}
		return path
	}
	var fe []unet.FieldError
	add := func(key string, err error) {
		fe = append(fe, unet.FieldError{File: at(key), Field: key, Message: err.Error()})
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		s, ok := lookupSetting(key)
		if !ok || s.check == nil {
			continue
		}
		var vals []string
		switch v := set[key].(type) {
		case string:
			vals = []string{v}
		case []any:
			for _, e := range v {
				if str, ok := e.(string); ok {
					vals = append(vals, str)
				}
			}
		}
		for _, v := range vals {
			if err := s.check(v); err != nil {
				add(key, err)
				break
			}
		}
	}
	if _, err := cfg.Changes.guardSettings(); err != nil {
		add("changes.guard_config_percent", fmt.Errorf("%v is not a percentage from 0 to 100", *cfg.Changes.GuardConfigPercent))
	}
	if _, err := requireChangeSets(&requireCSFlag{}, cfg.Server.RequireChangeSets); err != nil {
		add("server.require_change_sets", err)
	}
	notify, err := notifyFlags{}.config(cfg.Notifications)
	if err != nil {
		add("notifications.retry_max", err)
	}
	retention := defaultEventRetention
	if cfg.Server.EventRetention != nil {
		retention = time.Duration(*cfg.Server.EventRetention)
	}
	if giveUp := notify.GiveUp; giveUp > 0 && retention > 0 && giveUp >= retention {
		add("notifications.give_up", fmt.Errorf("%s must be shorter than server.event_retention (%s)", shortDuration(giveUp), shortDuration(retention)))
	}
	if (cfg.Server.TLSCert == "") != (cfg.Server.TLSKey == "") {
		key := "server.tls_cert"
		if cfg.Server.TLSCert == "" {
			key = "server.tls_key"
		}
		add(key, fmt.Errorf("tls_cert and tls_key go together"))
	}
	if len(fe) > 0 {
		sort.SliceStable(fe, func(i, j int) bool { return lineOf(pos, fe[i].Field) < lineOf(pos, fe[j].Field) })
		return unet.Invalid("config file "+path+" has invalid values", fe...)
	}
	return nil
}

func lineOf(pos map[string][2]int, key string) int { return pos[key][0] }
