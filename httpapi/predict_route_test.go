package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// TestPredictRoute applies the remediation the server computed with the
// predict route: the prediction needs no further command to reach the
// intended configuration, and a bad command text is a 422 on commands.
func TestPredictRoute(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	for _, rollback := range []bool{false, true} {
		from, to := remRunning, remIntended
		if rollback {
			from, to = to, from
		}
		var rem unet.Remediation
		ts.send(t, http.MethodPost, "/api/v1/config/remediate", map[string]any{"running": remRunning, "intended": remIntended, "rollback": rollback}).decode(t, &rem)
		var p unet.PredictResult
		a := ts.send(t, http.MethodPost, "/api/v1/config/predict", map[string]any{"running": from, "commands": rem.Text})
		a.decode(t, &p)
		if a.status != http.StatusOK || p.Dialect != "ios" || p.Config == from {
			t.Fatalf("rollback %v: %d %s", rollback, a.status, a.body)
		}
		var rest unet.Remediation
		ts.send(t, http.MethodPost, "/api/v1/config/remediate", map[string]any{"running": p.Config, "intended": to}).decode(t, &rest)
		if len(rest.Commands) != 0 {
			t.Errorf("rollback %v: predicted\n%s\nstill needs\n%s", rollback, p.Config, rest.Text)
		}
	}
	bad := ts.send(t, http.MethodPost, "/api/v1/config/predict", map[string]any{"running": "set system host-name a\n", "commands": "set system host-name b\nreboot now\n", "dialect": "junos-set"})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad command: %d %s", bad.status, bad.body)
	}
	if e := bad.problem(t).Errors; len(e) != 1 || e[0].Field != "commands" || !strings.Contains(e[0].Message, "line 2") {
		t.Errorf("bad command: %+v", e)
	}
	// The client answers the same as the route.
	got, err := ts.client(t, "t").Predict(t.Context(), unet.PredictRequest{Running: remRunning, Commands: remForward, Dialect: "ios"})
	if err != nil {
		t.Fatal(err)
	}
	var want unet.PredictResult
	ts.send(t, http.MethodPost, "/api/v1/config/predict", map[string]any{"running": remRunning, "commands": remForward, "dialect": "ios"}).decode(t, &want)
	if *got != want {
		t.Errorf("client %+v, route %+v", got, want)
	}
}
