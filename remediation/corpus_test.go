package remediation

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/internal/remgen"
)

// corpusCase is one committed pair of testdata/hierconfig with hier_config's
// outputs for it (empty for curly-brace JunOS, which has none).
type corpusCase struct {
	dialect  string
	index    int
	running  string
	intended string
	// hier_config's remediation, rollback and future() outputs.
	remediation, rollback, future string
	hasReference                  bool
}

func (c corpusCase) name() string { return c.dialect + "/" + strconv.Itoa(c.index) }

// loadCorpus reads every committed case, in dialect and index order.
func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "hierconfig", "*", "[0-9][0-9][0-9]"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cases under testdata/hierconfig")
	}
	slices.Sort(dirs)
	read := func(dir, name string, must bool) (string, bool) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			if must || !os.IsNotExist(err) {
				t.Fatal(err)
			}
			return "", false
		}
		return string(b), true
	}
	cases := make([]corpusCase, 0, len(dirs))
	for _, dir := range dirs {
		idx, err := strconv.Atoi(filepath.Base(dir))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		c := corpusCase{dialect: filepath.Base(filepath.Dir(dir)), index: idx}
		c.running, _ = read(dir, "running.cfg", true)
		c.intended, _ = read(dir, "intended.cfg", true)
		c.remediation, c.hasReference = read(dir, "remediation.txt", false)
		if c.hasReference {
			c.rollback, _ = read(dir, "rollback.txt", true)
			c.future, _ = read(dir, "future.txt", true)
		}
		cases = append(cases, c)
	}
	return cases
}

func parseCase(t testing.TB, c corpusCase, text string) *configtree.Tree {
	t.Helper()
	tree, err := configtree.ParseString(text, c.dialect)
	if err != nil {
		t.Fatalf("%s: %v", c.name(), err)
	}
	return tree
}

// TestCorpusMatchesGenerator proves the committed pairs are internal/remgen's
// (so that scripts/remediation-reference.sh regenerates the same corpus), and
// that every dialect has at least 200 of them, hier_config's outputs included
// where hier_config has the platform.
func TestCorpusMatchesGenerator(t *testing.T) {
	count := map[string]int{}
	for _, c := range loadCorpus(t) {
		p, err := remgen.Generate(c.dialect, c.index)
		if err != nil {
			t.Fatalf("%s: %v", c.name(), err)
		}
		if p.Running != c.running || p.Intended != c.intended {
			t.Errorf("%s: the committed pair is not remgen's; run scripts/remediation-reference.sh", c.name())
		}
		if c.hasReference != (remgen.Platform(c.dialect) != "") {
			t.Errorf("%s: hier_config outputs present: %v", c.name(), c.hasReference)
		}
		count[c.dialect]++
	}
	for _, d := range remgen.Dialects() {
		if count[d] < 200 {
			t.Errorf("%s: %d cases, want at least 200", d, count[d])
		}
	}
}

// remgenPair regenerates a case's pair (for its list of changes).
func remgenPair(c corpusCase) (remgen.Pair, error) { return remgen.Generate(c.dialect, c.index) }
