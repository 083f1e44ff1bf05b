package cli

import (
	"encoding/json"

	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
)

// field is one attribute of a T that `add` and `update` set from a flag: a
// row of a resource's field table.
type field[T any] struct {
	flag, usage string
	// repeated marks a flag given once per value (--tag a --tag b).
	repeated bool
	// set puts the flag's value into a new object (add). It runs for every
	// field, given or not, in table order, so it also checks required fields.
	set func(v *T, f flagValue) error
	// patch puts the value of a given flag into a merge patch (update).
	patch func(p unet.Patch, f flagValue) error
}

// flagValue is what one field flag holds.
type flagValue struct {
	text string
	list []string
}

// registerFields registers the flags of fields on fs, each storing into its
// entry of values.
func registerFields[T any](fs *pflag.FlagSet, fields []field[T], values []flagValue) {
	for i, f := range fields {
		if f.repeated {
			fs.StringArrayVar(&values[i].list, f.flag, nil, f.usage)
		} else {
			fs.StringVar(&values[i].text, f.flag, "", f.usage)
		}
	}
}

// valueField is a field whose flag text parses into a V: stored at the
// object's member at (add; an empty flag leaves the zero value) and at key in
// a patch (update).
func valueField[T, V any](flag, key, usage string, parse func(string) (V, error), at func(v *T) *V) field[T] {
	return field[T]{flag: flag, usage: usage,
		set: func(v *T, f flagValue) error {
			if f.text == "" {
				return nil
			}
			x, err := parse(f.text)
			if err != nil {
				return err
			}
			*at(v) = x
			return nil
		},
		patch: func(p unet.Patch, f flagValue) error {
			x, err := parse(f.text)
			if err != nil {
				return err
			}
			p[key] = x
			return nil
		},
	}
}

// textField is a field whose flag text is stored as is.
func textField[T any](flag, key, usage string, at func(v *T) *string) field[T] {
	return valueField(flag, key, usage, func(s string) (string, error) { return s, nil }, at)
}

// metaFields are the fields every stored object has: --tag and
// --custom-data.
func metaFields[T any](meta func(v *T) *unet.Meta) []field[T] {
	return []field[T]{
		{flag: "tag", usage: "tag (repeatable)", repeated: true,
			set:   func(v *T, f flagValue) error { meta(v).Tags = f.list; return nil },
			patch: func(p unet.Patch, f flagValue) error { p["tags"] = f.list; return nil },
		},
		valueField("custom-data", "custom_data", "custom data as a JSON object", parseCustomData,
			func(v *T) *map[string]any { return &meta(v).CustomData }),
	}
}

// parseCustomData reads a --custom-data value: it must be a JSON object.
func parseCustomData(s string) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		msg := "must be a JSON object, e.g. '{\"rack\": \"A1\"}'"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, unet.Invalid("invalid --custom-data", unet.FieldError{Field: "custom_data", Message: msg})
	}
	return m, nil
}

// mergePatches adds --set expressions to a flag patch; --set wins on conflicts.
func mergePatches(flags unet.Patch, sets []string) (unet.Patch, error) {
	sp, err := ParseSet(sets)
	if err != nil {
		return nil, err
	}
	for k, v := range sp {
		if m, ok := v.(map[string]any); ok {
			if base, ok := flags[k].(map[string]any); ok {
				for kk, vv := range m {
					base[kk] = vv
				}
				continue
			}
		}
		flags[k] = v
	}
	return flags, nil
}
