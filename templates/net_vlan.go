package templates

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/unet-dev/unet/jinja"
)

// vlanSet is a set of VLAN IDs (1-4094), one bit per ID, so that a hostile
// list ("1-4094" repeated a million times) costs no more than a short one.
type vlanSet [(maxVLAN + 64) / 64]uint64

func (v *vlanSet) add(lo, hi int) {
	for id := lo; id <= hi; id++ {
		v[id/64] |= 1 << (id % 64)
	}
}

func (v *vlanSet) has(id int) bool { return v[id/64]&(1<<(id%64)) != 0 }

// ids returns the IDs of the set in ascending order.
func (v *vlanSet) ids() []jinja.Value {
	var out []jinja.Value
	for id := 1; id <= maxVLAN; id++ {
		if v.has(id) {
			out = append(out, int64(id))
		}
	}
	if out == nil {
		out = []jinja.Value{}
	}
	return out
}

// addList adds a VLAN list such as "1-3,7" (spaces allowed), as VLANExpand
// reads it. Ranges are collected and merged first, so the cost grows with
// the length of the text, never with the IDs it names.
func (v *vlanSet) addList(s *jinja.State, list string) error {
	type span struct{ lo, hi int }
	var spans []span
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := vlanID(lo)
		if err != nil {
			return err
		}
		b := a
		if isRange {
			if b, err = vlanID(hi); err != nil {
				return err
			}
			if b < a {
				return fmt.Errorf("VLAN range %q is reversed", part)
			}
		}
		if err := s.Tick(); err != nil {
			return err
		}
		spans = append(spans, span{a, b})
	}
	slices.SortFunc(spans, func(x, y span) int { return x.lo - y.lo })
	next := 0 // IDs below next are in the set already
	for _, sp := range spans {
		v.add(max(sp.lo, next), sp.hi)
		next = max(next, sp.hi+1)
	}
	return nil
}

// addValue adds a VLAN list given as text, a single ID, or a list of those.
func (v *vlanSet) addValue(s *jinja.State, in jinja.Value) error {
	if l, ok := in.(*jinja.List); ok {
		for _, item := range l.Items {
			if u, ok := item.(jinja.Undefined); ok {
				return u.Error()
			}
			text, err := netInput(item)
			if err != nil {
				return err
			}
			if err := v.addList(s, text); err != nil {
				return err
			}
		}
		return nil
	}
	text, err := netInput(in)
	if err != nil {
		return err
	}
	return v.addList(s, text)
}

// netVLANExpand is vlan_expand: "1-3,7" (or a list of such items) to the
// sorted, de-duplicated IDs [1, 2, 3, 7].
func netVLANExpand(s *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	if _, err := a.Bind("vlan_expand", 0); err != nil {
		return nil, err
	}
	var set vlanSet
	if err := set.addValue(s, v); err != nil {
		return nil, err
	}
	return jinja.NewList(set.ids()), nil
}

// netVLANCompress is vlan_compress: a list of VLAN IDs (or a VLAN list
// string) written as "1-3,7"; two consecutive IDs stay separate ("1,2").
func netVLANCompress(s *jinja.State, v jinja.Value, a jinja.Args) (jinja.Value, error) {
	if _, err := a.Bind("vlan_compress", 0); err != nil {
		return nil, err
	}
	var set vlanSet
	if err := set.addValue(s, v); err != nil {
		return nil, err
	}
	var b []byte
	for id := 1; id <= maxVLAN; {
		if !set.has(id) {
			id++
			continue
		}
		end := id
		for end < maxVLAN && set.has(end+1) {
			end++
		}
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(id), 10)
		switch {
		case end == id+1:
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(end), 10)
		case end > id+1:
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(end), 10)
		}
		id = end + 1
	}
	return string(b), nil
}
