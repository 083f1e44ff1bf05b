package configtree

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDetectNewDialects: every configuration written for the comware,
// panos, routeros, netiron and exos dialects is detected as its dialect,
// and parsing it with "auto" gives the same tree as with its dialect.
func TestDetectNewDialects(t *testing.T) {
	folders := map[string]string{"testdata/exos": DialectEXOS}
	for f, d := range netutils2Dialects {
		folders[filepath.Join(netutils2Dir, f)] = d
	}
	n := 0
	for dir, want := range folders {
		confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, c := range confs {
			n++
			src, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			det := Detect(src)
			if det.Dialect != want || det.Reason == "" {
				t.Errorf("%s: detected %s (%s), want %s", c, det.Dialect, det.Reason, want)
				continue
			}
			auto, err := ParseString(string(src), DialectAuto)
			if err != nil {
				t.Fatal(err)
			}
			explicit, err := ParseString(string(src), want)
			if err != nil {
				t.Fatal(err)
			}
			if auto.Dialect != want || auto.Detection == nil || auto.String() != explicit.String() || auto.Len() != explicit.Len() {
				t.Errorf("%s: auto parse differs from the %s parse", c, want)
			}
		}
	}
	if n < 15 {
		t.Errorf("%d configurations checked, want at least 15", n)
	}
}

// otherDialectSamples are small configurations of the fortios, sros,
// rad-etx and onyx dialects, written for detection.
var otherDialectSamples = map[string]string{
	detectFortiOS: "#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0\nconfig system global\n    set hostname \"fw-branch\"\n    set timezone 28\nend\n" +
		"config system interface\n    edit \"wan1\"\n        set ip 198.51.100.2 255.255.255.252\n        set allowaccess ping https\n    next\n    edit \"lan\"\n        set ip 10.1.0.1 255.255.255.0\n    next\nend\n" +
		"config router static\n    edit 1\n        set gateway 198.51.100.1\n        set device \"wan1\"\n    next\nend\n",
	detectSROS: "# TiMOS-B-20.10.R1 both/x86_64 Nokia 7750 SR Copyright (c) 2000-2020 Nokia.\n# All rights reserved.\n\nexit all\nconfigure\n" +
		"#--------------------------------------------------\necho \"System Configuration\"\n#--------------------------------------------------\n" +
		"    system\n        name \"pe1\"\n    exit\n    router Base\n        interface \"system\"\n            address 10.0.0.1/32\n        exit\n    exit\nexit all\n",
	detectRADETX: "exit all\n    configure\n        system\n            name \"ETX-203AX\"\n        exit\n        port\n            ethernet 0/1\n                no shutdown\n" +
		"            exit\n            ethernet 0/2\n                shutdown\n            exit\n        exit\n    exit\nexit all\n",
	detectOnyx: "##\n## Running database \"initial\"\n## Generated at 2023/05/01 10:00:00 +0000\n## Hostname: sn2410-leaf1\n## Product release: 3.10.2202\n##\n" +
		"##\n## Running-config temporary prefix mode setting\n##\nno cli default prefix-modes enable\n##\n## Interface Ethernet configuration\n##\n" +
		"   interface ethernet 1/1 speed 25G force\n   interface ethernet 1/1 description \"server-01\"\n   interface ethernet 1/2 switchport mode trunk\n",
}

// TestDetectOtherDialects: the fortios, sros, rad-etx and onyx rules
// recognise their samples first, and Detect returns them whenever this
// build parses the dialect (otherwise the next rule that fires for a
// dialect it parses).
func TestDetectOtherDialects(t *testing.T) {
	for want, src := range otherDialectSamples {
		cands := detectCandidates([]byte(src))
		if cands[0].Dialect != want || cands[0].Reason == "" {
			t.Errorf("%s sample: first rule %s (%s)", want, cands[0].Dialect, cands[0].Reason)
		}
		det := Detect([]byte(src))
		if _, err := NormalizeDialect(want); err == nil {
			if det.Dialect != want {
				t.Errorf("%s sample detected as %s", want, det.Dialect)
			}
			continue
		}
		if det.Dialect == want {
			t.Errorf("%s is not parsed by this build but was detected", want)
		}
		if _, err := NormalizeDialect(det.Dialect); err != nil {
			t.Errorf("%s sample: detected unknown dialect %s", want, det.Dialect)
		}
	}
	// The samples of one dialect do not fire the rules of the others.
	for name, src := range otherDialectSamples {
		for _, c := range detectCandidates([]byte(src)) {
			if _, other := otherDialectSamples[c.Dialect]; other && c.Dialect != name {
				t.Errorf("%s sample fires the %s rule: %s", name, c.Dialect, c.Reason)
			}
		}
	}
}

// TestDetectNewDialectsDoNotCross: a configuration of one new dialect fires
// no rule of another new dialect.
func TestDetectNewDialectsDoNotCross(t *testing.T) {
	mine := map[string]bool{DialectComware: true, DialectPANOS: true, DialectRouterOS: true, DialectNetIron: true, DialectEXOS: true,
		detectFortiOS: true, detectSROS: true, detectRADETX: true, detectOnyx: true}
	folders := map[string]string{"testdata/exos": DialectEXOS}
	for f, d := range netutils2Dialects {
		folders[filepath.Join(netutils2Dir, f)] = d
	}
	for dir, want := range folders {
		confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, c := range confs {
			src, _ := os.ReadFile(c)
			for _, cand := range detectCandidates(src) {
				if mine[cand.Dialect] && cand.Dialect != want {
					t.Errorf("%s (%s) fires the %s rule: %s", c, want, cand.Dialect, cand.Reason)
				}
			}
		}
	}
}

// TestDetectExistingCorpus: the new rules change the detection of no
// configuration of the existing corpus (testdata/detect/existing.golden
// records it).
func TestDetectExistingCorpus(t *testing.T) {
	f, err := os.Open("testdata/detect/existing.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		path, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("bad golden line %q", line)
		}
		n++
		if det := Detect(readConfig(t, path)); det.Dialect != want {
			t.Errorf("%s: detected %s (%s), was %s", path, det.Dialect, det.Reason, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 80 {
		t.Errorf("%d corpus configurations checked, want at least 80", n)
	}
}

func TestDetectRules(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"set deviceconfig system hostname a\nset network interface ethernet ethernet1/1 layer3 ip 10.0.0.1/24\n", DialectPANOS},
		{"set system host-name a\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n", DialectJunosSet},
		{"/ip address\nadd address=10.0.0.1/24 interface=ether1\n/ip route\nadd gateway=10.0.0.254\n", DialectRouterOS},
		{"# jan/02/2024 by RouterOS 6.49\nset [ find default-name=ether1 ] name=wan\n", DialectRouterOS},
		{"#\n sysname SW1\n#\nvlan 10\n name A\n#\nreturn\n", DialectComware},
		{"ver V5.9.0eT163\n!\nhostname mlx\n!\ninterface ethernet 1/1\n enable\n", DialectNetIron},
		{"# Module vlan configuration.\ncreate vlan \"v10\"\nconfigure vlan v10 tag 10\nenable ipforwarding vlan v10\n", DialectEXOS},
		// An IOS configuration with "#" comments stays ios.
		{"# notes\nhostname r1\ninterface Gi1\n description x\n", DialectIOS},
		// A flat list with some enable/configure lines is not EXOS.
		{"hostname a\nip route 0.0.0.0 0.0.0.0 1.1.1.1\nenable secret x\n", DialectFlat},
		{"configure terminal\nenable secret x\nhostname a\n", DialectFlat},
		// Brocade/Ruckus FastIron shares NetIron's syntax and markers.
		{"ver 08.0.30fT213\n!\nvlan 10 by port\n tagged ethe 1/1/1\n router-interface ve 10\n", DialectNetIron},
	} {
		if det := Detect([]byte(tc.src)); det.Dialect != tc.want || det.Reason == "" {
			t.Errorf("%q: detected %s (%s), want %s", tc.src, det.Dialect, det.Reason, tc.want)
		}
	}
}

// TestDetectEveryReferenceConfiguration detects every configuration written
// for the netutils comparison (and the EXOS ones) as the dialect of its
// folder: the detection rules of the new dialects must not take each
// other's configurations (RAD ETX and SR OS both print echo titles).
func TestDetectEveryReferenceConfiguration(t *testing.T) {
	files, err := filepath.Glob("testdata/netutils/*/*.conf")
	if err != nil {
		t.Fatal(err)
	}
	exos, err := filepath.Glob("testdata/exos/*.conf")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, exos...)
	if len(files) < 27 {
		t.Fatalf("found %d reference configurations, want at least 27", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := NormalizeDialect(filepath.Base(filepath.Dir(f)))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(raw); got.Dialect != want {
			t.Errorf("%s: detected %s (%s), want %s", f, got.Dialect, got.Reason, want)
		}
	}
}
