package remgen

import (
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for _, d := range Dialects() {
		a, err := Generate(d, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Generate(d, 7)
		if a.Running != b.Running || a.Intended != b.Intended || strings.Join(a.Changes, ",") != strings.Join(b.Changes, ",") {
			t.Errorf("%s: pair 7 differs between two calls", d)
		}
		c, _ := Generate(d, 8)
		if c.Running == a.Running {
			t.Errorf("%s: pairs 7 and 8 have the same running configuration", d)
		}
	}
}

func TestGenerateRejectsBadArguments(t *testing.T) {
	if _, err := Generate("vyos", 1); err == nil || !strings.Contains(err.Error(), `"vyos"`) {
		t.Errorf("unknown dialect: err = %v", err)
	}
	if _, err := Generate("ios", -1); err == nil {
		t.Error("negative index accepted")
	}
}

// Every pair parses in its dialect, and a pair with changes differs.
func TestPairsParseAndDiffer(t *testing.T) {
	for _, d := range Dialects() {
		same := 0
		for i := range 200 {
			p, err := Generate(d, i)
			if err != nil {
				t.Fatal(err)
			}
			for side, text := range map[string]string{"running": p.Running, "intended": p.Intended} {
				tree, err := configtree.ParseString(text, d)
				if err != nil {
					t.Fatalf("%s %03d %s: %v", d, i, side, err)
				}
				if tree.Len() < 20 {
					t.Errorf("%s %03d %s: only %d statements", d, i, side, tree.Len())
				}
			}
			if (i%50 == 0) != (len(p.Changes) == 0) {
				t.Errorf("%s %03d: changes %v", d, i, p.Changes)
			}
			if len(p.Changes) > 0 && p.Running == p.Intended {
				same++
			}
		}
		// A few changes can cancel out (a value changed and changed back).
		if same > 4 {
			t.Errorf("%s: %d pairs with changes print identical configurations", d, same)
		}
	}
}

// The corpus covers every kind of change in every dialect that has the
// feature.
func TestEveryMutationIsUsed(t *testing.T) {
	for _, d := range Dialects() {
		seen := map[string]int{}
		for i := range 200 {
			p, _ := Generate(d, i)
			for _, c := range p.Changes {
				seen[c]++
			}
		}
		for _, m := range mutations {
			switchOnly := strings.HasPrefix(m.name, "vlan") || m.name == "switchport"
			if seen[m.name] == 0 && !(switchOnly && !capsOf(d).switching) {
				t.Errorf("%s: no pair has a %q change", d, m.name)
			}
		}
	}
}

func TestJunosSetMatchesCurly(t *testing.T) {
	p, _ := Generate("junos", 3)
	s, _ := Generate("junos-set", 3)
	curly, err := configtree.ParseString(p.Running, "junos")
	if err != nil {
		t.Fatal(err)
	}
	set, err := configtree.ParseString(s.Running, "junos-set")
	if err != nil {
		t.Fatal(err)
	}
	if curly.Len() <= set.Len()/2 {
		t.Errorf("curly form has %d statements, set form %d", curly.Len(), set.Len())
	}
	if !strings.Contains(s.Running, "set system authentication-order tacplus\nset system authentication-order password\n") {
		t.Error("the [ ] list is not printed one element per set command")
	}
}

func TestLarge(t *testing.T) {
	p := Large(LargeSeed, 10000, 500)
	n := strings.Count(p.Running, "\n")
	if n < 10000 || n > 12000 {
		t.Errorf("running has %d lines", n)
	}
	if len(p.Changes) != 500 {
		t.Errorf("%d changes", len(p.Changes))
	}
	for _, c := range p.Changes {
		if c == "bgp removed" || c == "hostname" {
			t.Errorf("excluded change %q applied", c)
		}
	}
	if _, err := configtree.ParseString(p.Intended, "ios"); err != nil {
		t.Fatal(err)
	}
}

// From SecondaryFrom on, pairs carry secondary addresses and change one
// (unless the device has no routed port); the earlier pairs have none (their
// text does not depend on the feature).
func TestSecondaryAddresses(t *testing.T) {
	for _, d := range Dialects() {
		changed, with := 0, 0
		for i := SecondaryFrom; i < SecondaryFrom+20; i++ {
			p, _ := Generate(d, i)
			if strings.Contains(p.Running+p.Intended, " secondary\n") {
				with++
			}
			if slices.Contains(p.Changes, "secondary address") {
				changed++
			}
		}
		if changed < 12 {
			t.Errorf("%s: only %d of 20 pairs change a secondary address", d, changed)
		}
		if d != "junos" && d != "junos-set" && with < changed {
			t.Errorf("%s: %d pairs print a secondary address, %d change one", d, with, changed)
		}
		for i := range SecondaryFrom {
			p, _ := Generate(d, i)
			if strings.Contains(p.Running+p.Intended, " secondary\n") {
				t.Fatalf("%s %03d: a secondary address before SecondaryFrom", d, i)
			}
		}
	}
}
