package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

func TestWriteSimDevices(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSimDevices(dir, 3, 4); err != nil {
		t.Fatal(err)
	}
	if err := WriteSimDevices(dir, 3, 4); err != nil {
		t.Fatalf("second run over the same directory: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "device.snmprec"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// 7 scalars + 4 interfaces * (15 ifTable + 7 ifXTable columns)
	if len(lines) != 7+4*22 {
		t.Errorf("%d records, want %d", len(lines), 7+4*22)
	}
	// snmpsim needs lexicographic OID order: 1.3.6.1.2.1.2.2.1.10.1 after .9.4.
	var i9, i10 int
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "1.3.6.1.2.1.2.2.1.9.4|"):
			i9 = i
		case strings.HasPrefix(l, "1.3.6.1.2.1.2.2.1.10.1|"):
			i10 = i
		}
	}
	if i9 == 0 || i10 != i9+1 {
		t.Errorf("records not in OID order: ifLastChange.4 at %d, ifInOctets.1 at %d", i9, i10)
	}
	for n := 1; n <= 3; n++ {
		target, err := os.Readlink(filepath.Join(dir, SimCommunity(n)+".snmprec"))
		if err != nil || target != "device.snmprec" {
			t.Errorf("community %d: link %q, %v", n, target, err)
		}
	}
}

func TestStartSNMPSim(t *testing.T) {
	sim := StartSNMPSim(t, 2, 4, 0)
	g := &gosnmp.GoSNMP{Target: sim.Host, Port: sim.Port, Community: SimCommunity(2), Version: gosnmp.Version2c, Timeout: 5 * time.Second}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = g.Conn.Close() }()
	vars, err := g.BulkWalkAll(".1.3.6.1.2.1.31.1.1.1.1")
	if err != nil {
		t.Fatalf("walk ifName: %v", err)
	}
	if len(vars) != 4 || string(vars[3].Value.([]byte)) != "Gi1/0/4" {
		t.Errorf("ifName walk = %v", vars)
	}
}
