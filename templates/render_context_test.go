package templates

import (
	"context"
	"testing"
	"time"
)

type testNode struct {
	Name       string         `json:"name"`
	Platform   string         `json:"platform"`
	CustomData map[string]any `json:"custom_data"`
}

type testLink struct {
	AInterface string   `json:"a_interface"`
	ZInterface string   `json:"z_interface"`
	Peer       testNode `json:"peer"`
}

func TestRenderContextVars(t *testing.T) {
	rc := RenderContext{
		Node:        testNode{Name: "r1", Platform: "eos", CustomData: map[string]any{"asn": 65001}},
		Location:    map[string]any{"name": "DC1", "ancestors": []map[string]any{{"name": "EMEA"}}},
		Links:       []testLink{{AInterface: "Et1", ZInterface: "Et49", Peer: testNode{Name: "s1"}}},
		User:        map[string]any{"site": "dc1"},
		GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600)),
	}
	vars, err := rc.Vars("eos/bgp.j2")
	if err != nil {
		t.Fatal(err)
	}
	src := "{{ node.name }} {{ node.custom_data.asn }} {{ location.ancestors[0].name }} " +
		"{% for l in links %}{{ l.a_interface }}-{{ l.peer.name }}:{{ l.z_interface }}{% endfor %} " +
		"{{ vars.site }} {{ unet.template }} {{ unet.generated_at }} {{ interfaces is defined }}"
	got, err := renderString(t, src, vars)
	if err != nil {
		t.Fatal(err)
	}
	want := "r1 65001 EMEA Et1-s1:Et49 dc1 eos/bgp.j2 2026-01-02T02:04:05Z False"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	empty, err := RenderContext{}.Vars("x.j2")
	if err != nil {
		t.Fatal(err)
	}
	env := New(mapFS(map[string]string{"t.j2": "{{ links | length }} {{ node | length }} {{ vars | length }}"}), Options{})
	if got, err := env.Render(context.Background(), "t.j2", empty); err != nil || got != "0 0 0" {
		t.Errorf("empty context: %q, %v", got, err)
	}
}
