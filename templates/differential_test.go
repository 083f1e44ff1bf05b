package templates

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Differential testing against live Python Jinja2: random templates and
// contexts rendered by both engines, compared byte for byte.

const (
	// differentialSeed and differentialCases define the fixed run of
	// TestDifferentialJinja2.
	differentialSeed  = 17
	differentialCases = 5000
	// maxReported bounds the differences printed in full.
	maxReported = 5
)

// explainedDifferences lists generated cases (by key, "s<seed>-i<index>")
// whose difference is an accepted, documented refusal of a Jinja2 feature.
// Each entry says why. The test fails when a listed case agrees again.
var explainedDifferences = map[string]string{}

// digits matches numbers and quoted names in error messages.
var digits = regexp.MustCompile(`[0-9]+|"[^"]*"|'[^']*'`)

// envInt reads a positive integer from the environment.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a non-negative integer", name, s)
	}
	return n
}

// TestDifferentialJinja2 renders a fixed-seed run of generated cases with
// μNet and Python Jinja2 and requires identical results.
//
// Reproduce one case with UNET_JINJA_SEED=S UNET_JINJA_CASE=I; change the
// run with UNET_JINJA_SEED and UNET_JINJA_CASES.
func TestDifferentialJinja2(t *testing.T) {
	seed := uint64(envInt(t, "UNET_JINJA_SEED", differentialSeed))
	var cases []*diffCase
	if s := os.Getenv("UNET_JINJA_CASE"); s != "" {
		cases = append(cases, newCase(seed, envInt(t, "UNET_JINJA_CASE", 0)))
	} else {
		for i := range envInt(t, "UNET_JINJA_CASES", differentialCases) {
			cases = append(cases, newCase(seed, i))
		}
	}
	b := startJinja2Batch(t)
	start := time.Now()
	diffs, bothFailed := runCases(t, b, cases)
	byKey := map[string]difference{}
	for _, d := range diffs {
		byKey[d.c.key] = d
	}
	for key, why := range explainedDifferences {
		if _, ok := byKey[key]; !ok {
			t.Errorf("%s (%s) agrees with Jinja2 now: remove it from explainedDifferences", key, why)
		}
	}
	kinds := map[string]int{}
	reported := 0
	for _, d := range diffs {
		if why, ok := explainedDifferences[d.c.key]; ok {
			t.Logf("%s: explained difference: %s", d.c.key, why)
			continue
		}
		kinds[d.kind]++
		if reported < maxReported {
			reported++
			msg := describe(d.c, d.kind, d.py, d.un)
			if reported == 1 {
				// The first one shrunk too: usually a line or two.
				sh := &shrinker{batch: b, kind: d.kind, limit: 500}
				small := sh.shrink(d.c)
				if py, un, ok := sh.differs(small); ok {
					msg += "shrunk to:\n" + describe(small, d.kind, py, un)
				}
			}
			t.Errorf("%s\nreproduce: UNET_JINJA_SEED=%d UNET_JINJA_CASE=%s go test ./templates/ -run 'TestDifferentialJinja2$'",
				msg, seed, strings.TrimPrefix(d.c.key[strings.Index(d.c.key, "-i"):], "-i"))
		}
	}
	t.Logf("differential run: seed %d, %d cases in %v, %d agree (%d of them failing in both engines), %d differ %v",
		seed, len(cases), time.Since(start).Round(time.Millisecond), len(cases)-len(diffs), bothFailed, len(diffs), kinds)
	if n := len(diffs) - len(explainedDifferences); n > reported {
		t.Errorf("%d more differences not shown; run the campaign to shrink them", n-reported)
	}
	if bothFailed*4 > len(cases) {
		t.Errorf("%d of %d cases fail in Jinja2: the generator should produce mostly valid templates", bothFailed, len(cases))
	}
}

// TestDifferentialCampaign generates UNET_JINJA_CAMPAIGN cases from a
// time-based seed (or UNET_JINJA_SEED), shrinks every counterexample and
// stores the new ones in testdata/differential as regression cases.
// Counterexamples with the same signature (kind of difference and
// constructs left after shrinking) are stored up to
// UNET_JINJA_PER_SIGNATURE times (default 1). Shrinking costs hundreds of
// renders, so at most UNET_JINJA_SHRINK counterexamples (default 200) are
// shrunk, and at most three per error message.
func TestDifferentialCampaign(t *testing.T) {
	n := envInt(t, "UNET_JINJA_CAMPAIGN", 0)
	if n == 0 {
		t.Log("no campaign: set UNET_JINJA_CAMPAIGN=N to run one of N cases")
		return
	}
	seed := uint64(time.Now().UnixNano())
	if os.Getenv("UNET_JINJA_SEED") != "" {
		seed = uint64(envInt(t, "UNET_JINJA_SEED", 0))
	}
	perSig := envInt(t, "UNET_JINJA_PER_SIGNATURE", 1)
	b := startJinja2Batch(t)
	sigs := map[string]int{}
	stored := map[string]int{}
	// Signatures of the committed cases count as found already.
	existing, err := loadRegressions()
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range existing {
		stored[rc.Signature]++
	}
	written, shrunk := 0, 0
	maxShrunk := envInt(t, "UNET_JINJA_SHRINK", 200)
	preSeen := map[string]int{}
	const chunk = 1000
	for start := 0; start < n; start += chunk {
		var cases []*diffCase
		for i := start; i < min(n, start+chunk); i++ {
			cases = append(cases, newCase(seed, i))
		}
		diffs, _ := runCases(t, b, cases)
		for _, d := range diffs {
			// Shrinking costs hundreds of renders: shrink a few
			// counterexamples per μNet error message, and at most
			// UNET_JINJA_SHRINK of them in all.
			pre := ""
			if d.un.err != nil {
				pre = d.kind + ": " + digits.ReplaceAllString(d.un.err.Error(), "N")
			} else if d.py.Error != nil {
				pre = d.kind + ": " + digits.ReplaceAllString(*d.py.Error, "N")
			}
			if pre != "" {
				if preSeen[pre]++; preSeen[pre] > 3 {
					continue
				}
			}
			if shrunk >= maxShrunk {
				break
			}
			shrunk++
			s := &shrinker{batch: b, kind: d.kind}
			small := s.shrink(d.c)
			py, un, ok := s.differs(small)
			if !ok {
				continue
			}
			sig := signature(d.kind, small)
			sigs[sig]++
			if stored[sig] >= perSig {
				continue
			}
			file, err := saveRegression(small, sig, py)
			if err != nil {
				t.Fatal(err)
			}
			if file != "" {
				stored[sig]++
				written++
				t.Logf("%s: %s\n%s", file, sig, describe(small, d.kind, py, un))
			}
		}
	}
	keys := make([]string, 0, len(sigs))
	for k := range sigs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return sigs[keys[i]] > sigs[keys[j]] || sigs[keys[i]] == sigs[keys[j]] && keys[i] < keys[j]
	})
	var sum strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sum, "%6d  %s\n", sigs[k], k)
	}
	t.Logf("campaign: seed %d, %d cases, %d counterexamples shrunk, %d new regression cases\ncounterexamples by signature:\n%s", seed, n, shrunk, written, sum.String())
}

// TestDifferentialRegressions renders every stored counterexample and
// compares with the Jinja2 result stored with it (no Python needed).
func TestDifferentialRegressions(t *testing.T) {
	cases, err := loadRegressions()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		rc := cases[name]
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			if (rc.Output == nil) == (rc.Error == nil) {
				t.Fatalf("%s: a regression case needs exactly one of output and error", name)
			}
			c, err := rc.diffCase(name)
			if err != nil {
				t.Fatalf("%s: context: %v", name, err)
			}
			un := renderUnet(c)
			py := jinja2Result{ID: name, Output: rc.Output, Error: rc.Error}
			if kind := compareResults(py, un); kind != "" {
				t.Errorf("%s (%s)\n%s", name, rc.Signature, describe(c, kind, py, un))
			}
		})
	}
}

// TestDifferentialHarness checks the harness on cases whose answers are
// known, so a broken runner cannot make every case agree.
func TestDifferentialHarness(t *testing.T) {
	b := startJinja2Batch(t)
	ctx := &odict{}
	ctx.set("z", int64(1))
	ctx.set("a", 2.5)
	ctx.set("n", nil)
	for _, tc := range []struct {
		src, out string
		fails    bool
	}{
		{src: "{% for k, v in d.items() %}{{ k }}={{ v }}\n{% endfor %}", out: "z=1\na=2.5\nn=None\n"},
		{src: "{{ 2 ** 10 }} {{ n }} {{ (1, 'a') }} {{ 1e-5 }}\n", out: "1024 None (1, 'a') 1e-05"},
		{src: "{{ 'x'|center(6) }}|", out: "  x   |"},
		{src: "  {% if true %}\n  a\n  {% endif %}\nb", out: "  a\nb"},
		{src: "{{ missing }}", fails: true},
		{src: "{% for %}", fails: true},
	} {
		c := &diffCase{key: "harness", name: "t.j2", templates: map[string]string{"t.j2": tc.src}, context: &odict{}}
		c.context.set("d", ctx)
		c.context.set("n", nil)
		py, err := b.renderOne(c)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.fails && py.Error == nil:
			t.Errorf("%q: Jinja2 renders %q, want an error", tc.src, *py.Output)
		case !tc.fails && py.Error != nil:
			t.Errorf("%q: Jinja2 fails: %s", tc.src, *py.Error)
		case !tc.fails && *py.Output != tc.out:
			t.Errorf("%q: Jinja2 renders %q, want %q", tc.src, *py.Output, tc.out)
		}
	}
	// A μNet error that is not positioned is a difference even when both
	// fail.
	if k := compareResults(jinja2Result{Error: new(string)}, unetResult{err: errors.New("bare")}); k != diffBareError {
		t.Errorf("bare error compared as %q", k)
	}
	if k := compareResults(jinja2Result{Error: new(string)}, unetResult{err: &Error{Template: "t.j2", Msg: "x"}}); k != diffBareError {
		t.Errorf("error without a line compared as %q", k)
	}
	if k := compareResults(jinja2Result{Error: new(string)}, unetResult{err: &Error{Template: "t.j2", Line: 1, Msg: "x"}}); k != "" {
		t.Errorf("positioned errors on both sides compared as %q", k)
	}
	out := "a"
	if k := compareResults(jinja2Result{Output: &out}, unetResult{out: "a\n"}); k != diffOutput {
		t.Errorf("different outputs compared as %q", k)
	}
}

// TestDifferentialGenerator checks that generation is deterministic and
// that shrinking reductions keep trees printable.
func TestDifferentialGenerator(t *testing.T) {
	for i := range 200 {
		a, b := newCase(3, i), newCase(3, i)
		for n, s := range a.templates {
			if b.templates[n] != s {
				t.Fatalf("case %d: template %s differs between two generations", i, n)
			}
		}
		if string(encodeJSON(a.context)) != string(encodeJSON(b.context)) {
			t.Fatalf("case %d: context differs between two generations", i)
		}
		// Every reduction applies to a copy and leaves the original intact.
		src := a.templates["main.j2"]
		tree := a.trees["main.j2"]
		for idx := range tree.count() {
			for op := opRemove; op <= opHoist; op++ {
				cp := tree.clone()
				if mutate(cp, idx, op, 0) && len(cp.text()) > len(src) {
					t.Fatalf("case %d: reduction %d at node %d grows the template", i, op, idx)
				}
			}
		}
		if tree.text() != src {
			t.Fatalf("case %d: reductions changed the original tree", i)
		}
	}
}
