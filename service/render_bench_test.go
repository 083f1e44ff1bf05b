package service_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// demoPolicyFiles returns the embedded demo policies as request files.
func demoPolicyFiles(tb testing.TB) []unet.PolicyFile {
	tb.Helper()
	var files []unet.PolicyFile
	err := fs.WalkDir(examples.Policies(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rules") {
			return err
		}
		b, err := fs.ReadFile(examples.Policies(), p)
		files = append(files, unet.PolicyFile{Name: p, Content: string(b)})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// fabricBundle is n EOS leaves under 4 spines, with the custom data the demo
// templates use, and 2 links per leaf.
func fabricBundle(n int) *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "DC", Type: "site"}}}
	cd := func() map[string]any {
		return map[string]any{"ntp_servers": []any{"192.0.2.10", "192.0.2.11"}, "syslog_servers": []any{"192.0.2.30"},
			"snmp": map[string]any{"location": "DC", "contact": "noc@example.net"}, "aaa": map[string]any{"tacacs_servers": []any{"192.0.2.20"}}}
	}
	for s := 1; s <= 4; s++ {
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: fmt.Sprintf("spine%d", s), Domain: "example.net", Vendor: "arista", Platform: "eos",
			Role: "spine", Location: "DC", Lifecycle: "live", SoftwareVersion: "4.31.2F", CustomData: cd()})
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("leaf%04d", i)
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: name, Domain: "example.net", Vendor: "arista", Platform: "eos",
			Role: "leaf", Location: "DC", Lifecycle: "live", SoftwareVersion: "4.31.2F", CustomData: cd()})
		for s := 1; s <= 2; s++ {
			b.Links = append(b.Links, unet.LinkRecord{ANode: name + ".example.net", AInterface: fmt.Sprintf("Ethernet%d/1", 48+s),
				ZNode: fmt.Sprintf("spine%d.example.net", s+2*(i%2)), ZInterface: fmt.Sprintf("Ethernet%d/1", i+1), BandwidthBPS: 100e9})
		}
	}
	return b
}

// BenchmarkRenderAssigned1k renders the templates assigned by the demo
// policies for 1,000 nodes (one inventory load, one policy compilation).
func BenchmarkRenderAssigned1k(b *testing.B) {
	svc := newService(b, sqlstore.SQLite)
	ctx := actx()
	if _, err := svc.Import(ctx, fabricBundle(1000), unet.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	svc.SetTemplateEnv(templates.New(examples.Templates(), templates.Options{}))
	files := demoPolicyFiles(b)
	b.ResetTimer()
	start := testutil.CPUTime(b)
	for i := 0; i < b.N; i++ {
		res, err := svc.RenderNodes(context.Background(), nil, unet.TemplateRequest{PolicyFiles: files})
		if err != nil {
			b.Fatal(err)
		}
		if len(res) != 1004 {
			b.Fatalf("rendered %d nodes", len(res))
		}
	}
	testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
}

// runningConfig5k is a ~5,000-line running configuration for one leaf: the
// intended configuration with a few drifts, plus unowned configuration.
func runningConfig5k(tb testing.TB, svc *service.Service, files []unet.PolicyFile) string {
	res, err := svc.RenderNode(actx(), unet.TemplateRequest{Node: "leaf0001", PolicyFiles: files})
	if err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("! Command: show running-config\n!\n")
	sb.WriteString(strings.Replace(res.Parts[0].Output, "ntp server 192.0.2.11", "ntp server 192.0.2.99", 1))
	sb.WriteString("\n")
	for i := 0; sb.Len() < 1<<20 && strings.Count(sb.String(), "\n") < 5000; i++ {
		fmt.Fprintf(&sb, "ip access-list ACL-%d\n   10 permit ip 10.%d.%d.0/24 any\n   20 deny ip any any log\n!\n", i, i/250, i%250)
	}
	return sb.String()
}

// BenchmarkTemplateDiff5k is a full `template diff` of one node against a
// 5,000-line running configuration: inventory load, policy evaluation,
// rendering, slicing both sides, line diff.
func BenchmarkTemplateDiff5k(b *testing.B) {
	svc := newService(b, sqlstore.SQLite)
	ctx := actx()
	if _, err := svc.Import(ctx, fabricBundle(100), unet.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	svc.SetTemplateEnv(templates.New(examples.Templates(), templates.Options{}))
	files := demoPolicyFiles(b)
	running := runningConfig5k(b, svc, files)
	if n := strings.Count(running, "\n"); n < 4900 {
		b.Fatalf("running config has %d lines", n)
	}
	b.SetBytes(int64(len(running)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := svc.DiffNode(ctx, unet.TemplateDiffRequest{TemplateRequest: unet.TemplateRequest{Node: "leaf0001", PolicyFiles: files}, Running: running})
		if err != nil {
			b.Fatal(err)
		}
		if res.Equal || res.Templates[0].Added != 1 || res.Templates[0].Removed != 1 {
			b.Fatalf("diff: %+v", res.Templates[0])
		}
	}
}
