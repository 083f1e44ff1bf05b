package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const clear = "s3cr3t-value"

func TestSecretRedactsEverywhere(t *testing.T) {
	s := Secret(clear)
	type wrapper struct {
		Community Secret `json:"community"`
		Ptr       *Secret
	}
	w := wrapper{Community: s, Ptr: &s}
	js, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("poll", "community", s)
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("poll", "community", s)
	txt, _ := s.MarshalText()
	outputs := map[string]string{
		"%s":          fmt.Sprintf("%s", s),
		"%v":          fmt.Sprintf("%v", s),
		"%+v":         fmt.Sprintf("%+v", w),
		"%#v":         fmt.Sprintf("%#v", s),
		"%#v struct":  fmt.Sprintf("%#v", w),
		"%q":          fmt.Sprintf("%q", s),
		"%x":          fmt.Sprintf("%x", s),
		"%d":          fmt.Sprintf("%d", s),
		"String":      s.String(),
		"json":        string(js),
		"slog":        logBuf.String(),
		"MarshalText": string(txt),
		"Sprint":      fmt.Sprint(s, &s),
	}
	for name, out := range outputs {
		if strings.Contains(out, clear) {
			t.Errorf("%s leaks the value: %s", name, out)
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("%s does not show %s: %s", name, Redacted, out)
		}
	}
	if got := s.Reveal(); got != clear {
		t.Errorf("Reveal() = %q, want %q", got, clear)
	}
}

func TestEmptySecret(t *testing.T) {
	var s Secret
	if !s.IsZero() || s.String() != "" {
		t.Errorf("empty secret: IsZero=%v String=%q", s.IsZero(), s.String())
	}
	js, _ := json.Marshal(s)
	if string(js) != `""` {
		t.Errorf("json of empty secret = %s", js)
	}
}
