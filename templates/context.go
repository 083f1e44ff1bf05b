package templates

import (
	"fmt"

	"github.com/unet-dev/unet/jinja"
)

// DecodeJSONContext decodes a JSON object into a render context the way
// Python's json module does: objects keep their key order, integers stay
// integers (so 10 renders as "10", not "10.0") and other numbers become
// floats. The values are template values of package jinja.
func DecodeJSONContext(data []byte) (map[string]any, error) {
	v, err := jinja.DecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("decode JSON context: %w", err)
	}
	d, ok := v.(*jinja.Dict)
	if !ok {
		return nil, fmt.Errorf("decode JSON context: the top level must be an object, not %s", jinja.TypeName(v))
	}
	m := make(map[string]any, d.Len())
	for i := range d.Len() {
		k, ok := d.Key(i).(string)
		if !ok {
			return nil, fmt.Errorf("decode JSON context: key %s is not a string", jinja.Repr(d.Key(i)))
		}
		m[k] = d.Val(i)
	}
	return m, nil
}
