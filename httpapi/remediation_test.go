package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

const (
	remRunning  = "interface Gi1\n description a\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n"
	remIntended = "interface Gi1\n description a\n mtu 9000\nrouter bgp 1\n neighbor 10.0.0.1 remote-as 2\n neighbor 10.0.0.2 remote-as 3\nntp server 10.1.1.1\n"
	remForward  = "interface Gi1\n  mtu 9000\nrouter bgp 1\n  neighbor 10.0.0.2 remote-as 3\nntp server 10.1.1.1\n"
	remBack     = "no ntp server 10.1.1.1\ninterface Gi1\n  no mtu 9000\nrouter bgp 1\n  no neighbor 10.0.0.2 remote-as 3\n"
)

// TestRemediateRoute posts remediation requests to a real server: the
// answer carries the commands with parents and reasons and the text as
// typed; rollback, match and user rules change it as in the CLI.
func TestRemediateRoute(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	tests := []struct {
		name string
		body map[string]any
		text string
	}{
		{"forward", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "ios"}, remForward},
		{"dialect detected", map[string]any{"running": remRunning, "intended": remIntended}, remForward},
		{"rollback", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "ios", "rollback": true}, remBack},
		{"match", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "ios", "match": []string{"router bgp .*||.*"}},
			"router bgp 1\n  neighbor 10.0.0.2 remote-as 3\n"},
		{"user rules", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "ios", "rollback": true,
			"rules": "[[negate_with]]\nmatch = [{ startswith = \"ntp server\" }]\nuse = \"no ntp\"\n"},
			strings.Replace(remBack, "no ntp server 10.1.1.1", "no ntp", 1)},
		{"nothing to do", map[string]any{"running": remRunning, "intended": remRunning, "dialect": "ios"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ts.send(t, http.MethodPost, "/api/v1/config/remediate", tc.body)
			var rem unet.Remediation
			a.decode(t, &rem)
			if a.status != http.StatusOK || rem.Text != tc.text || rem.Dialect != "ios" {
				t.Fatalf("%d %s", a.status, a.body)
			}
			if got := strings.Count(tc.text, "\n"); len(rem.Commands) != got {
				t.Errorf("%d commands for %d lines: %s", len(rem.Commands), got, a.body)
			}
		})
	}
	var rem unet.Remediation
	ts.send(t, http.MethodPost, "/api/v1/config/remediate", tests[0].body).decode(t, &rem)
	want := []unet.RemediationCommand{
		{Command: "interface Gi1", Parents: []string{}, Reason: "context", Line: 1},
		{Command: "mtu 9000", Parents: []string{"interface Gi1"}, Depth: 1, Reason: "added", Source: "mtu 9000", Line: 3},
	}
	if !reflect.DeepEqual(rem.Commands[:2], want) || rem.Stats["added"] != 3 {
		t.Errorf("commands %+v stats %v", rem.Commands[:2], rem.Stats)
	}
}

// TestRemediateRouteErrors checks the 4xx answers: problem+json naming the
// field and, for rule tables and match expressions, the position.
func TestRemediateRouteErrors(t *testing.T) {
	ts := startServer(t, httpapi.Options{MaxEngineTextBytes: 4 << 10})
	tests := []struct {
		name   string
		body   any
		status int
		field  unet.FieldError
	}{
		{"bad rules", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "ios",
			"rules": "# rules\n[[negate_with]]\nmatch = [{ startswit = \"ntp\" }]\n"}, 422,
			unet.FieldError{File: "rules", Field: "3:12", Message: "unknown key negate_with.startswit"}},
		{"bad match", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "ios", "match": []string{"*", "router ||neighbor ("}}, 422,
			unet.FieldError{Field: "match[1]"}},
		{"running does not parse", map[string]any{"running": "banner motd ^C\nx\n", "intended": remIntended, "dialect": "ios"}, 422,
			unet.FieldError{Field: "running", Message: "line 1: banner is not terminated"}},
		{"unknown dialect", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "vyos"}, 422,
			unet.FieldError{Field: "dialect"}},
		{"dialect without rules", map[string]any{"running": remRunning, "intended": remIntended, "dialect": "flat"}, 422,
			unet.FieldError{Field: "dialect"}},
		{"binary intended", map[string]any{"running": remRunning, "intended": "a\x00b", "dialect": "ios"}, 422,
			unet.FieldError{Field: "intended"}},
		{"unknown field", map[string]any{"running": remRunning, "intended": remIntended, "dialects": "ios"}, 400, unet.FieldError{}},
		{"not JSON", "running: x", 400, unet.FieldError{}},
		{"too large", map[string]any{"running": strings.Repeat("hostname x\n", 1000), "intended": remIntended}, 413, unet.FieldError{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ts.send(t, http.MethodPost, "/api/v1/config/remediate", tc.body)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			p := a.problem(t)
			if tc.field == (unet.FieldError{}) {
				return
			}
			if len(p.Errors) != 1 {
				t.Fatalf("errors %+v", p.Errors)
			}
			got := p.Errors[0]
			if got.File != tc.field.File || got.Field != tc.field.Field || !strings.Contains(got.Message, tc.field.Message) {
				t.Errorf("error %+v, want %+v", got, tc.field)
			}
		})
	}
	a := ts.send(t, http.MethodPost, "/api/v1/config/predict", map[string]any{"running": remRunning, "commands": "x", "dialect": "vyos"})
	if a.status != 422 || a.problem(t).Errors[0].Field != "dialect" {
		t.Errorf("predict with an unknown dialect: %d %s", a.status, a.body)
	}
}

// TestRemediateClient checks that the HTTP client (remote mode) answers what
// the service answers in process.
func TestRemediateClient(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	c := ts.client(t, "t")
	ctx := context.Background()
	req := unet.RemediationRequest{Running: remRunning, Intended: remIntended, Dialect: "ios", Match: []string{"interface .*||.*", "ntp .*"}}
	remote, err := c.Remediate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	local, err := ts.svc.Remediate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(remote, local) || remote.Text != "interface Gi1\n  mtu 9000\nntp server 10.1.1.1\n" {
		t.Errorf("remote %+v\nlocal %+v", remote, local)
	}
	_, err = c.Remediate(ctx, unet.RemediationRequest{Running: remRunning, Intended: remIntended, Dialect: "ios", Rules: "dialect = 3\n"})
	var ue *unet.Error
	if !errors.As(err, &ue) || ue.Code != unet.EINVALID || len(ue.Fields) != 1 || ue.Fields[0].Field != "1:11" {
		t.Errorf("bad rules through the client: %#v", err)
	}
}

// TestDiffNodeRemediation asks the template-diff route for the remediation
// of a demo node's drift: the commands take the running configuration to
// the rendered one within the template's headers.
func TestDiffNodeRemediation(t *testing.T) {
	ts := demoServer(t)
	running, err := os.ReadFile("../examples/running/lon-dist-01.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var d unet.TemplateDiffResult
	a := ts.send(t, http.MethodPost, "/api/v1/nodes/lon-dist-01/diff", map[string]any{"running": string(running), "remediation": true})
	a.decode(t, &d)
	if a.status != 200 || d.Remediation == nil || len(d.Remediation.Commands) == 0 || d.Remediation.Dialect != "ios" {
		t.Fatalf("diff: %d %s", a.status, a.body)
	}
	var plain unet.TemplateDiffResult
	ts.send(t, http.MethodPost, "/api/v1/nodes/lon-dist-01/diff", map[string]any{"running": string(running)}).decode(t, &plain)
	if plain.Remediation != nil {
		t.Errorf("remediation without asking: %+v", plain.Remediation)
	}
	// The drift: a logging host and an NTP server too many, an NTP server
	// missing, an uplink's description (replaced in place, not negated).
	want := "no logging host 198.51.100.7\nno ntp server 192.0.2.99\ninterface TenGigabitEthernet1/1/1\n" +
		"  description BACKBONE: lon-core-01 Twe1/0/10\nntp server 192.0.2.11\n"
	if d.Remediation.Text != want || d.Remediation.Stats["replaced"] != 1 {
		t.Errorf("remediation %s", a.body)
	}
	alone := ts.send(t, http.MethodPost, "/api/v1/nodes/lon-dist-01/diff", map[string]any{"running": string(running), "rules": "indent = 3\n"})
	if alone.status != 422 || alone.problem(t).Errors[0].Field != "rules" {
		t.Errorf("rules without remediation: %d %s", alone.status, alone.body)
	}
	bad := ts.send(t, http.MethodPost, "/api/v1/nodes/lon-dist-01/diff", map[string]any{"running": string(running), "remediation": true, "rules": "[x"})
	if bad.status != 422 || bad.problem(t).Errors[0].File != "rules" {
		t.Errorf("bad rules: %d %s", bad.status, bad.body)
	}
}

// TestChangeSetImpactRemediation: the impact of a change set that moves a
// demo node to another domain carries, for that node, the remediation from
// the configuration rendered before the set to the one after it, over the
// route and through the client alike.
func TestChangeSetImpactRemediation(t *testing.T) {
	ts := demoServer(t)
	var cs unet.ChangeSet
	a := ts.send(t, http.MethodPost, "/api/v1/changesets",
		`{"title":"lon-dist-01 moves","ops":[{"op":"update","kind":"node","ref":"lon-dist-01","data":{"domain":"example.org"}}]}`)
	a.decode(t, &cs)
	if a.status != http.StatusCreated {
		t.Fatalf("propose: %d %s", a.status, a.body)
	}
	var got unet.ChangeSet
	ts.send(t, http.MethodGet, "/api/v1/changesets/"+cs.ID, nil).decode(t, &got)
	remote, err := ts.client(t, "t").GetChangeSet(context.Background(), cs.ID, unet.ChangeSetView{Impact: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "no ip domain name example.net\nip domain name example.org\n"
	for _, set := range []*unet.ChangeSet{&got, remote} {
		if set.Impact == nil || len(set.Impact.Config) != 1 {
			t.Fatalf("impact: %+v", set.Impact)
		}
		c := set.Impact.Config[0]
		if c.Remediation == nil || c.Remediation.Text != want || c.Remediation.Dialect != "ios" || c.RemediationError != "" {
			t.Errorf("%s: remediation %+v (%s)", c.Node, c.Remediation, c.RemediationError)
		}
	}
}
