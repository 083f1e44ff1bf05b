package remgen

import (
	"fmt"
	"slices"
	"strings"
)

// Pair is a generated running configuration and the intended one.
type Pair struct {
	Dialect  string
	Index    int
	Running  string
	Intended string
	// Changes names the changes applied to the running model to make the
	// intended one, in order (empty for a pair without differences).
	Changes []string
}

// render prints a device model in each dialect.
var render = map[string]func(*device) string{
	"ios":       ios,
	"nxos":      nxos,
	"eos":       eos,
	"iosxr":     iosxr,
	"junos":     junos,
	"junos-set": junosSet,
}

// platforms maps dialects to hier_config platform names; curly-brace JunOS
// has none (hier_config reads only its set form faithfully).
var platforms = map[string]string{
	"ios":       "cisco_ios",
	"nxos":      "cisco_nxos",
	"eos":       "arista_eos",
	"iosxr":     "cisco_xr",
	"junos-set": "juniper_junos",
}

// Dialects lists the dialects pairs are generated for, sorted.
func Dialects() []string {
	out := make([]string, 0, len(render))
	for d := range render {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// Platform returns the hier_config platform of a dialect, "" when there is
// none.
func Platform(dialect string) string { return platforms[dialect] }

// SecondaryFrom is the first pair index whose interfaces also carry
// secondary addresses, one of which changes in the intended side. (The
// earlier pairs are unchanged by their introduction.)
const SecondaryFrom = 200

// Generate returns pair number index of a dialect. Every fiftieth pair has
// no difference; the others carry one to six changes, and from
// SecondaryFrom on a change of a secondary address.
func Generate(dialect string, index int) (Pair, error) {
	print, ok := render[dialect]
	if !ok {
		return Pair{}, fmt.Errorf("remgen: unknown dialect %q (valid: %v)", dialect, Dialects())
	}
	if index < 0 {
		return Pair{}, fmt.Errorf("remgen: negative pair index %d", index)
	}
	r := newRNG(seedOf(dialect, index))
	c := capsOf(dialect)
	running := newDevice(r, c, 1)
	if index >= SecondaryFrom {
		running.addSecondaries(r)
	}
	intended := running.clone()
	n := 0
	if index%50 != 0 {
		n = []int{1, 1, 2, 2, 3, 4, 5, 6}[r.Intn(8)]
	}
	changes := mutate(r, intended, c, n)
	if index >= SecondaryFrom && index%50 != 0 && intended.mutateSecondary(r) {
		changes = append(changes, "secondary address")
	}
	return Pair{
		Dialect:  dialect,
		Index:    index,
		Running:  print(running),
		Intended: print(intended),
		Changes:  changes,
	}, nil
}

// LargeSeed is the seed of the benchmark pair (Large(LargeSeed, 10000,
// 500) is the pair BenchmarkRemediate10k and the hier_config timing use).
const LargeSeed = 16

// Large returns a pair of IOS configurations of at least lines lines
// each, the intended side carrying diffs changes (for benchmarks). Changes
// that would rewrite a whole section (BGP removed or added) are left out, so
// that the number of differing lines stays close to diffs.
func Large(seed uint64, lines, diffs int) Pair {
	r := newRNG(seed)
	c := capsOf("ios")
	d := newDevice(r, c, 1)
	for range 150 {
		d.addVLAN(r)
	}
	if d.bgp == nil {
		d.newBGP(r, 1)
	}
	port := 49
	for strings.Count(ios(d), "\n") < lines {
		for range 40 {
			d.addPort(r, c, port)
			port++
		}
		d.addACL(r)
		for range 20 {
			d.addRoute(r)
		}
		for range 4 {
			d.addNeighbor(r)
		}
	}
	intended := d.clone()
	changes := mutate(r, intended, c, diffs, "bgp removed", "bgp added", "hostname")
	return Pair{Dialect: "ios", Running: ios(d), Intended: ios(intended), Changes: changes}
}
