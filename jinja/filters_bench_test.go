package jinja

import "testing"

// Typical filter calls of network templates.
func BenchmarkFilters(b *testing.B) {
	ifaces := NewList([]Value{
		dict("name", "Gi0/1", "vlan", int64(10), "enabled", true),
		dict("name", "Gi0/2", "vlan", int64(20), "enabled", false),
		dict("name", "Gi0/3", "vlan", int64(10), "enabled", true),
	})
	filters := builtinFilters()
	calls := []struct {
		name string
		v    Value
		a    Args
	}{
		{"upper", "interface gigabitethernet0/1", Args{}},
		{"default", Undefined{}, Args{Pos: []Value{"none"}}},
		{"indent", "line one\nline two\nline three", Args{Pos: []Value{int64(2)}}},
		{"replace", "GigabitEthernet0/1", Args{Pos: []Value{"GigabitEthernet", "Gi"}}},
		{"join", NewList([]Value{int64(10), int64(20), int64(30)}), Args{Pos: []Value{","}}},
		{"selectattr", ifaces, Args{Pos: []Value{"enabled"}}},
		{"map", ifaces, Args{Kw: []KwArg{{"attribute", "name"}}}},
		{"sort", ifaces, Args{Kw: []KwArg{{"attribute", "vlan,name"}}}},
		{"groupby", ifaces, Args{Pos: []Value{"vlan"}}},
		{"int", "42", Args{}},
		{"center", "x", Args{Pos: []Value{int64(20)}}},
	}
	for _, c := range calls {
		f := filters[c.name]
		b.Run(c.name, func(b *testing.B) {
			s := testState()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f(s, c.v, c.a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
