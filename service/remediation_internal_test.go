package service

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/templates"
)

// TestImpactRemediation checks the per-node remediation of a change-set
// impact: the node's platform gives the dialect (a generic one is detected
// from the text), and a node without one gets the reason instead.
func TestImpactRemediation(t *testing.T) {
	tests := []struct {
		name, platform, before, after string
		text, err                     string
	}{
		{"ios", "iosxe", "hostname a\nntp server 192.0.2.1\n", "hostname a\nntp server 192.0.2.2\n",
			"no ntp server 192.0.2.1\nntp server 192.0.2.2\n", ""},
		{"created node", "eos", "", "hostname a\n", "hostname a\n", ""},
		{"generic detects junos", "generic", "system {\n    host-name a;\n}\n", "system {\n    host-name a;\n    ntp {\n        server 192.0.2.1;\n    }\n}\n",
			"set system ntp server 192.0.2.1\n", ""},
		{"unknown platform", "vyos", "a\n", "b\n", "", `unknown dialect "vyos"`},
		{"dialect without rules", "flat", "a\n", "b\n", "", `no rule table for dialect "flat"`},
		{"rendering does not parse", "ios", "hostname a\n", "banner motd ^C\nx\n", "", "after: line 1: banner is not terminated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rem, reason := impactRemediation(tc.platform, tc.before, tc.after)
			if tc.err != "" {
				if rem != nil || !strings.Contains(reason, tc.err) {
					t.Fatalf("remediation %+v reason %q, want %q", rem, reason, tc.err)
				}
				return
			}
			if rem == nil || reason != "" || rem.Text != tc.text {
				t.Fatalf("remediation %+v reason %q, want text %q", rem, reason, tc.text)
			}
		})
	}
}

// TestDriftRemediationOwnsOnlyHeaders: statements outside every template's
// headers are never negated, and templates without headers own nothing.
func TestDriftRemediationOwnsOnlyHeaders(t *testing.T) {
	env := templates.New(fstest.MapFS{
		"ntp.j2":  {Data: []byte("{# template-match: ntp server .* #}\nntp server 192.0.2.2\n")},
		"free.j2": {Data: []byte("logging host 192.0.2.9\n")},
	}, templates.Options{})
	var infos []templates.TemplateInfo
	for _, name := range []string{"ntp.j2", "free.j2"} {
		info, err := env.Template(name)
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, info)
	}
	parts := []unet.RenderedTemplate{{Template: "ntp.j2", Output: "ntp server 192.0.2.2"}, {Template: "free.j2", Output: "logging host 192.0.2.9\n"}}
	running := []byte("hostname r1\nlogging host 192.0.2.8\nntp server 192.0.2.1\n")
	rem, err := driftRemediation(running, "ios", "", parts, infos)
	if err != nil {
		t.Fatal(err)
	}
	if rem.Text != "no ntp server 192.0.2.1\nntp server 192.0.2.2\n" {
		t.Errorf("remediation:\n%s", rem.Text)
	}
	// Without any owned template there is nothing to do.
	rem, err = driftRemediation(running, "ios", "", parts[1:], infos[1:])
	if err != nil || len(rem.Commands) != 0 || rem.Text != "" || rem.Dialect != "ios" {
		t.Errorf("no owned template: %+v %v", rem, err)
	}
	// User rules extend the table; bad ones are positioned.
	rem, err = driftRemediation(running, "ios", "[[negate_with]]\nmatch = [{ startswith = \"ntp server\" }]\nuse = \"no ntp\"\n", parts, infos)
	if err != nil || rem.Text != "no ntp\nntp server 192.0.2.2\n" {
		t.Errorf("user rules: %+v %v", rem, err)
	}
	_, err = driftRemediation(running, "ios", "\nindent = \"x\"\n", parts, infos)
	var ue *unet.Error
	if !errors.As(err, &ue) || len(ue.Fields) != 1 || ue.Fields[0].File != "rules" || !strings.HasPrefix(ue.Fields[0].Field, "2:") {
		t.Errorf("bad rules: %#v", err)
	}
}

// TestRemediateRequestErrors checks that every refusal of Remediate and
// Predict names its field.
func TestRemediateRequestErrors(t *testing.T) {
	s := &Service{}
	ctx := context.Background()
	ok := "hostname a\n"
	for _, tc := range []struct {
		req   unet.RemediationRequest
		field string
	}{
		{unet.RemediationRequest{Running: ok, Intended: ok, Dialect: "vyos"}, "dialect"},
		{unet.RemediationRequest{Running: ok, Intended: ok, Dialect: "flat"}, "dialect"},
		{unet.RemediationRequest{Running: "a\xffb", Intended: ok, Dialect: "ios"}, "running"},
		{unet.RemediationRequest{Running: ok, Intended: "banner motd ^C\n", Dialect: "ios"}, "intended"},
		{unet.RemediationRequest{Running: ok, Intended: ok, Dialect: "ios", Match: []string{"*", "x||("}}, "match[1]"},
		{unet.RemediationRequest{Running: ok, Intended: ok, Dialect: "ios", Rules: "[[weight]]\nmatch = 3\n"}, "2:9"},
	} {
		_, err := s.Remediate(ctx, tc.req)
		var ue *unet.Error
		if !errors.As(err, &ue) || ue.Code != unet.EINVALID || len(ue.Fields) != 1 || ue.Fields[0].Field != tc.field {
			t.Errorf("%+v: %#v, want a field error on %s", tc.req, err, tc.field)
		}
	}
	_, err := s.Predict(ctx, unet.PredictRequest{Running: ok, Commands: "x\x00", Dialect: "ios"})
	var ue *unet.Error
	if !errors.As(err, &ue) || ue.Fields[0].Field != "commands" {
		t.Errorf("binary commands: %#v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Remediate(cancelled, unet.RemediationRequest{Running: ok, Intended: ok}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
