package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// recordingService is the real service with the change-review calls and the
// options of the direct writes recorded: it checks what the server passes to
// the service (the actor, the options, the arguments) and that the client
// decodes what the service answers, independently of the service's own
// behaviour.
type recordingService struct {
	*service.Service
	mu    sync.Mutex
	calls []string // "METHOD actor args"
	// answer is returned by the change-set calls; fail, when set, instead.
	answer *unet.ChangeSet
	fail   error
}

func (r *recordingService) record(ctx context.Context, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, unet.ActorFrom(ctx)+" "+fmt.Sprintf(format, args...))
}

func (r *recordingService) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		return ""
	}
	return r.calls[len(r.calls)-1]
}

func (r *recordingService) set() (*unet.ChangeSet, error) {
	if r.fail != nil {
		return nil, r.fail
	}
	cs := *r.answer
	return &cs, nil
}

func (r *recordingService) CreateNode(ctx context.Context, n *unet.Node, o unet.WriteOptions) (*unet.Node, error) {
	r.record(ctx, "CreateNode %s %+v", n.Name, o)
	return r.Service.CreateNode(ctx, n, o)
}

func (r *recordingService) UpdateNode(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Node, error) {
	r.record(ctx, "UpdateNode %s %+v", ref, o)
	return r.Service.UpdateNode(ctx, ref, p, o)
}

func (r *recordingService) DeleteNode(ctx context.Context, ref string, o unet.DeleteOptions) error {
	r.record(ctx, "DeleteNode %s %+v", ref, o)
	return r.Service.DeleteNode(ctx, ref, o)
}

func (r *recordingService) CreateVendor(ctx context.Context, v *unet.Vendor, o unet.WriteOptions) (*unet.Vendor, error) {
	r.record(ctx, "CreateVendor %s %+v", v.Name, o)
	return r.Service.CreateVendor(ctx, v, o)
}

func (r *recordingService) CreateLocation(ctx context.Context, l *unet.Location, o unet.WriteOptions) (*unet.Location, error) {
	r.record(ctx, "CreateLocation %s %+v", l.Name, o)
	return r.Service.CreateLocation(ctx, l, o)
}

func (r *recordingService) UpdateLink(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Link, error) {
	r.record(ctx, "UpdateLink %s %+v", ref, o)
	return r.Service.UpdateLink(ctx, ref, p, o)
}

func (r *recordingService) Import(ctx context.Context, b *unet.Bundle, o unet.ImportOptions) (*unet.ImportReport, error) {
	r.record(ctx, "Import %+v", o)
	return r.Service.Import(ctx, b, o)
}

func (r *recordingService) ApplyPolicies(ctx context.Context, req unet.PolicyApplyRequest) (*unet.PolicyApplyReport, error) {
	r.record(ctx, "ApplyPolicies emergency=%v reason=%s", req.Emergency, req.Reason)
	return &unet.PolicyApplyReport{Updated: []string{}}, nil
}

func (r *recordingService) ProposeChangeSet(ctx context.Context, req unet.ChangeSetRequest) (*unet.ChangeSet, error) {
	ops, _ := json.Marshal(req.Ops)
	r.record(ctx, "Propose %q draft=%v auto=%v ops=%s", req.Title, req.Draft, req.AutoApply, ops)
	return r.set()
}

func (r *recordingService) AppendChangeOps(ctx context.Context, id string, ops []unet.ChangeOp) (*unet.ChangeSet, error) {
	r.record(ctx, "Append %s %d", id, len(ops))
	return r.set()
}

func (r *recordingService) GetChangeSet(ctx context.Context, id string, v unet.ChangeSetView) (*unet.ChangeSet, error) {
	r.record(ctx, "Get %s impact=%v", id, v.Impact)
	return r.set()
}

func (r *recordingService) ListChangeSets(ctx context.Context, f unet.ChangeSetFilter) (*unet.List[unet.ChangeSet], error) {
	if f.Offset != 0 {
		r.record(ctx, "List state=%s author=%s limit=%d cursor=%s offset=%d", f.State, f.Author, f.Limit, f.Cursor, f.Offset)
	} else {
		r.record(ctx, "List state=%s author=%s limit=%d cursor=%s", f.State, f.Author, f.Limit, f.Cursor)
	}
	cs, err := r.set()
	if err != nil {
		return nil, err
	}
	return &unet.List[unet.ChangeSet]{Items: []unet.ChangeSet{*cs}, Total: 1}, nil
}

func (r *recordingService) SubmitChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	r.record(ctx, "Submit %s", id)
	return r.set()
}

func (r *recordingService) ApproveChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	r.record(ctx, "Approve %s %q", id, comment)
	return r.set()
}

func (r *recordingService) RejectChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	r.record(ctx, "Reject %s %q", id, comment)
	return r.set()
}

func (r *recordingService) AbandonChangeSet(ctx context.Context, id, reason string) (*unet.ChangeSet, error) {
	r.record(ctx, "Abandon %s %q", id, reason)
	return r.set()
}

func (r *recordingService) ApplyChangeSet(ctx context.Context, id string, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	r.record(ctx, "Apply %s %+v", id, o)
	return r.set()
}

func (r *recordingService) RebaseChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	r.record(ctx, "Rebase %s", id)
	return r.set()
}

func (r *recordingService) RevertChange(ctx context.Context, ref string, o unet.RevertOptions) (*unet.ChangeSet, error) {
	r.record(ctx, "Revert %s %+v", ref, o)
	return r.set()
}

func (r *recordingService) ListChangeEvents(ctx context.Context, f unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	r.record(ctx, "Events after=%s set=%s since=%s limit=%d", f.After, f.ChangeSet, f.Since.Format(time.RFC3339), f.Limit)
	return &unet.List[unet.ChangeEvent]{Total: 0}, nil
}

func (r *recordingService) ListEmergencyChanges(ctx context.Context, f unet.EmergencyFilter) (*unet.List[unet.EmergencyChange], error) {
	r.record(ctx, "Emergencies pending=%v limit=%d", f.Pending, f.Limit)
	return &unet.List[unet.EmergencyChange]{Items: []unet.EmergencyChange{{Batch: "b1", Actor: "alice"}}, Total: 1}, nil
}

func (r *recordingService) ReviewEmergencyChange(ctx context.Context, ref, comment string) (*unet.EmergencyChange, error) {
	r.record(ctx, "Review %s %q", ref, comment)
	return &unet.EmergencyChange{Batch: ref, Review: &unet.EmergencyReview{Reviewer: unet.ActorFrom(ctx), Comment: comment}}, nil
}

func startRecording(t *testing.T) (*recordingService, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "unet.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rec := &recordingService{Service: service.New(db), answer: &unet.ChangeSet{ID: "cs-7", State: unet.ChangeSetProposed, Title: "t"}}
	api, err := httpapi.New(rec, httpapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	return rec, hs
}

// TestChangeSetClientAndRoutesCarryEverything: every change-review call of
// the client reaches the service with its arguments and the caller as the
// actor, and the answer comes back with lists as arrays (never null).
func TestChangeSetClientAndRoutesCarryEverything(t *testing.T) {
	rec, hs := startRecording(t)
	c, err := httpapi.NewClient(hs.URL, httpapi.ClientOptions{Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	steps := []struct {
		call func() (any, error)
		want string
	}{
		{func() (any, error) {
			return c.ProposeChangeSet(ctx, unet.ChangeSetRequest{Title: "upgrade", Draft: true, AutoApply: true,
				Ops: []unet.ChangeOp{{Op: unet.OpUpdate, Kind: "node", Ref: "r1", Data: json.RawMessage(`{"role":"core"}`)}}})
		}, `bob Propose "upgrade" draft=true auto=true ops=[{"seq":0,"op":"update","kind":"node","ref":"r1","data":{"role":"core"},"added_by":"","added_at":"0001-01-01T00:00:00Z","bases":null}]`},
		{func() (any, error) {
			return c.AppendChangeOps(ctx, "cs-7", []unet.ChangeOp{{Op: unet.OpDelete, Kind: "node", Ref: "r2"}, {Op: unet.OpDelete, Kind: "node", Ref: "r3"}})
		}, "bob Append cs-7 2"},
		{func() (any, error) { return c.GetChangeSet(ctx, "cs-7", unet.ChangeSetView{Impact: true}) }, "bob Get cs-7 impact=true"},
		{func() (any, error) { return c.GetChangeSet(ctx, "cs-7", unet.ChangeSetView{}) }, "bob Get cs-7 impact=false"},
		{func() (any, error) {
			return c.ListChangeSets(ctx, unet.ChangeSetFilter{State: "approved", Author: "alice", Page: unet.Page{Limit: 5, Cursor: "cs-3"}})
		}, "bob List state=approved author=alice limit=5 cursor=cs-3"},
		{func() (any, error) {
			return c.ListChangeSets(ctx, unet.ChangeSetFilter{Page: unet.Page{Offset: 2}})
		}, "bob List state= author= limit=0 cursor= offset=2"},
		{func() (any, error) { return c.SubmitChangeSet(ctx, "cs-7") }, "bob Submit cs-7"},
		{func() (any, error) { return c.ApproveChangeSet(ctx, "cs-7", "looks right") }, `bob Approve cs-7 "looks right"`},
		{func() (any, error) { return c.RejectChangeSet(ctx, "cs-7", "no") }, `bob Reject cs-7 "no"`},
		{func() (any, error) { return c.AbandonChangeSet(ctx, "cs-7", "obsolete") }, `bob Abandon cs-7 "obsolete"`},
		{func() (any, error) {
			return c.ApplyChangeSet(ctx, "cs-7", unet.ApplyOptions{Force: true, Emergency: true, Reason: "outage"})
		}, "bob Apply cs-7 {Force:true Emergency:true Reason:outage}"},
		{func() (any, error) { return c.RebaseChangeSet(ctx, "cs-7") }, "bob Rebase cs-7"},
		{func() (any, error) {
			return c.RevertChange(ctx, "cs-7", unet.RevertOptions{Reason: "oops", Force: true})
		}, "bob Revert cs-7 {Reason:oops Force:true}"},
		{func() (any, error) {
			return c.ListChangeEvents(ctx, unet.ChangeEventFilter{After: "e5", ChangeSet: "cs-7", Since: since, Limit: 3})
		}, "bob Events after=e5 set=cs-7 since=2026-01-02T03:04:05Z limit=3"},
		{func() (any, error) {
			return c.ListEmergencyChanges(ctx, unet.EmergencyFilter{Pending: true, Page: unet.Page{Limit: 2}})
		}, "bob Emergencies pending=true limit=2"},
		{func() (any, error) { return c.ReviewEmergencyChange(ctx, "batch/1", "fine") }, `bob Review batch/1 "fine"`},
	}
	for i, st := range steps {
		out, err := st.call()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := rec.last(); got != st.want {
			t.Errorf("step %d: the service got\n%s\nwant\n%s", i, got, st.want)
		}
		if cs, ok := out.(*unet.ChangeSet); ok && (cs.ID != "cs-7" || cs.Ops == nil || cs.Approvals == nil || cs.Conflicts == nil) {
			t.Errorf("step %d: answer %+v", i, cs)
		}
	}
	// The raw answers: lists are arrays.
	for _, path := range []string{"/api/v1/changesets/cs-7", "/api/v1/changesets", "/api/v1/change-events", "/api/v1/emergency-changes"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		err = json.NewDecoder(resp.Body).Decode(&raw)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		if strings.Contains(fmt.Sprint(raw), "<nil>") {
			t.Errorf("GET %s: a null in the answer: %v", path, raw)
		}
	}
	if got := rec.last(); got != "anonymous Emergencies pending=false limit=0" {
		t.Errorf("GET emergency-changes: %s", got)
	}
	// The default view of GET computes the impact.
	resp, err := http.Get(hs.URL + "/api/v1/changesets/cs-7")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := rec.last(); got != "anonymous Get cs-7 impact=true" {
		t.Errorf("GET without impact: %s", got)
	}
}

// TestChangeSetErrorsKeepCodeAndFields: a conflict on apply answers 409 with
// every conflicting field in the problem's errors, and the client returns
// the same *unet.Error; a refusal reads as the service wrote it.
func TestChangeSetErrorsKeepCodeAndFields(t *testing.T) {
	rec, hs := startRecording(t)
	c, err := httpapi.NewClient(hs.URL, httpapi.ClientOptions{Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conflict := &unet.Error{Code: unet.ECONFLICT, Message: "cs-7 conflicts with changes made since staging: node/r1 (role)",
		Fields: []unet.FieldError{{Field: "node/r1.role", Message: "changed from access to core since staging (cs-7 operation 1)"}}}
	rec.fail = conflict
	_, err = c.ApplyChangeSet(context.Background(), "cs-7", unet.ApplyOptions{})
	var ue *unet.Error
	if !errors.As(err, &ue) || ue.Code != unet.ECONFLICT || ue.Message != conflict.Message || !reflect.DeepEqual(ue.Fields, conflict.Fields) {
		t.Fatalf("apply conflict through the client: %#v", err)
	}
	resp, err := http.Post(hs.URL+"/api/v1/changesets/cs-7/apply", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var p httpapi.Problem
	err = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusConflict || p.Code != unet.ECONFLICT || len(p.Errors) != 1 || p.Errors[0].Field != "node/r1.role" {
		t.Fatalf("apply conflict: %d %+v %v", resp.StatusCode, p, err)
	}
	rec.fail = unet.Errorf(unet.EFORBIDDEN, "you proposed cs-7: someone else must approve it")
	_, err = c.ApproveChangeSet(context.Background(), "cs-7", "")
	if !errors.As(err, &ue) || ue.Code != unet.EFORBIDDEN || ue.Message != "you proposed cs-7: someone else must approve it" {
		t.Fatalf("self-approval through the client: %#v", err)
	}
	rec.fail = unet.Errorf(unet.ENOTFOUND, "change set cs-99 not found")
	if _, err := c.GetChangeSet(context.Background(), "cs-99", unet.ChangeSetView{}); unet.ErrorCode(err) != unet.ENOTFOUND {
		t.Fatalf("missing set: %v", err)
	}
}

// TestEmergencyParameterReachesTheService: emergency=true on every direct
// write, import and policy apply is passed to the service (through the
// client too), and a value that is not a boolean is refused with 400.
func TestEmergencyParameterReachesTheService(t *testing.T) {
	rec, hs := startRecording(t)
	c, err := httpapi.NewClient(hs.URL, httpapi.ClientOptions{Actor: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	em := unet.WriteOptions{Reason: "outage", Emergency: true}
	check := func(want string) {
		t.Helper()
		if got := rec.last(); got != want {
			t.Errorf("the service got\n%s\nwant\n%s", got, want)
		}
	}
	// The service may refuse or accept the emergency: what matters here is
	// what it was asked.
	_, _ = c.CreateVendor(ctx, &unet.Vendor{Name: "acme"}, em)
	check("carol CreateVendor acme {IfVersion:0 Reason:outage Emergency:true}")
	_, _ = c.CreateLocation(ctx, &unet.Location{Name: "Lab", Type: "site"}, em)
	check("carol CreateLocation Lab {IfVersion:0 Reason:outage Emergency:true}")
	_, _ = c.CreateNode(ctx, &unet.Node{Name: "n1", Vendor: "cisco"}, em)
	check("carol CreateNode n1 {IfVersion:0 Reason:outage Emergency:true}")
	_, _ = c.UpdateNode(ctx, "n1", unet.Patch{"role": "core"}, unet.WriteOptions{IfVersion: 1, Reason: "outage", Emergency: true})
	check("carol UpdateNode n1 {IfVersion:1 Reason:outage Emergency:true}")
	_, _ = c.UpdateLink(ctx, "l1", unet.Patch{"role": "core"}, em)
	check("carol UpdateLink l1 {IfVersion:0 Reason:outage Emergency:true}")
	_ = c.DeleteNode(ctx, "n1", unet.DeleteOptions{Reason: "outage", Cascade: true, Emergency: true})
	check("carol DeleteNode n1 {IfVersion:0 Reason:outage Cascade:true Emergency:true}")
	_, _ = c.Import(ctx, &unet.Bundle{}, unet.ImportOptions{Reason: "outage", Emergency: true})
	check("carol Import {DryRun:false Reason:outage Emergency:true}")
	_, _ = c.ApplyPolicies(ctx, unet.PolicyApplyRequest{Reason: "outage", Emergency: true})
	check("carol ApplyPolicies emergency=true reason=outage")
	// Without the flag nothing is an emergency.
	_, _ = c.CreateVendor(ctx, &unet.Vendor{Name: "acme2"}, unet.WriteOptions{})
	check("carol CreateVendor acme2 {IfVersion:0 Reason: Emergency:false}")
	// The query parameter of policy apply counts like the body's field.
	resp, err := http.Post(hs.URL+"/api/v1/policies/apply?emergency=true", "application/json", strings.NewReader(`{"reason":"r"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	check("anonymous ApplyPolicies emergency=true reason=r")
	for _, path := range []string{"/api/v1/nodes?emergency=maybe", "/api/v1/vendors?emergency=2x", "/api/v1/import?emergency=yes%3F",
		"/api/v1/policies/apply?emergency=perhaps"} {
		resp, err := http.Post(hs.URL+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		var p httpapi.Problem
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusBadRequest || !strings.Contains(p.Detail, "emergency must be true or false") {
			t.Errorf("POST %s: %d %+v", path, resp.StatusCode, p)
		}
	}
}
