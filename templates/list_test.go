package templates

import (
	"encoding/json"
	"testing"
)

func TestJSONForms(t *testing.T) {
	env := New(mapFS(map[string]string{"a.j2": "{# template-match: ntp .* #}\n", "b.j2": "{{ x | nope }}"}), Options{})
	list, err := env.List()
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"a.j2","partial":false,"headers":[{"expr":"ntp .*","line":1}]},{"name":"b.j2","partial":false,"headers":[]}]`
	if string(data) != want {
		t.Errorf("list JSON\n got %s\nwant %s", data, want)
	}
	data, err = json.Marshal(env.Validate())
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"template":"b.j2","line":1,"column":8,"message":"unknown filter \"nope\""}]`; string(data) != want {
		t.Errorf("errors JSON\n got %s\nwant %s", data, want)
	}
}
