package remediation

import (
	"strings"
	"testing"
)

func TestSubstitutionsDropShowOutput(t *testing.T) {
	running := "Building configuration...\n\nCurrent configuration : 1234 bytes\n!\nversion 15.2\nhostname a\n!\nend\n"
	intended := "hostname a\n"
	if got := remediateText(t, "ios", running, intended, Options{}); got != "" {
		t.Errorf("show-command banners are not configuration:\n%s", got)
	}
}

func TestRepeatedSectionsMerge(t *testing.T) {
	running := "interface Gi1\n description a\ninterface Gi1\n shutdown\n"
	intended := "interface Gi1\n description a\n shutdown\n"
	if got := remediateText(t, "ios", running, intended, Options{}); got != "" {
		t.Errorf("repeated section not merged:\n%s", got)
	}
}

func TestIdempotentRegexKey(t *testing.T) {
	got := remediateText(t, "ios", "logging console 7\n", "logging console 6\n", Options{})
	if want := lines("logging console 6"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestNegateDefaultEOS(t *testing.T) {
	got := remediateText(t, "eos",
		"interface Ethernet1\n   logging event link-status\n   description a\n",
		"interface Ethernet1\n   description a\n", Options{})
	if want := lines("interface Ethernet1", "  default logging event link-status"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestOverwriteWithNegation(t *testing.T) {
	// IOS-XR templates are overwrite sections: negated, then written again.
	got := remediateText(t, "iosxr",
		"template T1\n  interface Gi0/0/0/1\n   description a\n!\n",
		"template T1\n  interface Gi0/0/0/1\n   description b\n!\n", Options{})
	want := lines("no template T1", "template T1", "  interface Gi0/0/0/1", "    description b")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestJunosRollbackIsSymmetric(t *testing.T) {
	a := "system {\n    host-name a;\n    name-server {\n        1.1.1.1;\n        2.2.2.2;\n    }\n}\n"
	b := "system {\n    host-name b;\n    name-server {\n        1.1.1.1;\n    }\n}\n"
	fwd := remediateText(t, "junos", a, b, Options{})
	if want := lines("delete system host-name a", "delete system name-server 2.2.2.2", "set system host-name b"); fwd != want {
		t.Errorf("remediation:\n%s\nwant:\n%s", fwd, want)
	}
	back := remediateText(t, "junos", a, b, Options{Rollback: true})
	if want := remediateText(t, "junos", b, a, Options{}); back != want {
		t.Errorf("rollback %q is not the reverse remediation %q", back, want)
	}
}

func TestExitsCustomTable(t *testing.T) {
	r, err := ParseRules([]byte(`
dialect = "ios"
negation = "no "
indent = 1
exit = "!"
[[sectional_exit]]
match = [{ startswith = "router " }, { startswith = "address-family " }]
exit = ""
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	res := remediateResult(t, "ios",
		"router bgp 1\n address-family ipv4\n  network 10.0.0.0\n",
		"router bgp 1\n address-family ipv4\n  network 10.1.0.0\n", Options{Rules: r})
	var b strings.Builder
	if err := res.WriteTextExits(&b); err != nil {
		t.Fatal(err)
	}
	want := lines("router bgp 1", " address-family ipv4", "  no network 10.0.0.0", "  network 10.1.0.0", " !")
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestExtendNil(t *testing.T) {
	base, err := Builtin("nxos")
	if err != nil {
		t.Fatal(err)
	}
	ext := base.Extend(nil)
	if ext == base || len(ext.Idempotent) != len(base.Idempotent) || ext.compiled == nil {
		t.Errorf("Extend(nil) must be a usable copy")
	}
}

func TestDuplicateChildrenKept(t *testing.T) {
	r, err := ParseRules([]byte(`
dialect = "iosxr"
negation = "no "
duplicate_children = [[{ startswith = "route-policy" }]]
overwrite_no_negate = [[{ startswith = "route-policy" }]]
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	got := remediateText(t, "iosxr",
		"route-policy RP\n  set med 10\n  pass\nend-policy\n!\n",
		"route-policy RP\n  pass\n  set med 10\n  pass\nend-policy\n!\n", Options{Rules: r})
	want := lines("route-policy RP", "  pass", "  set med 10", "  pass")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
