package jinja

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// TestRenderLipsum checks lipsum's shape (its words are random, in Jinja2
// too): paragraphs, word counts in [min, max), a capital first letter and a
// final period, the HTML form, the error of an empty range and the value
// limit.
func TestRenderLipsum(t *testing.T) {
	env := New(nil, Options{})
	render := func(src string) (string, error) {
		tmpl, err := env.FromString("t", src)
		if err != nil {
			return "", err
		}
		return tmpl.RenderString(context.Background(), nil)
	}
	word := `[A-Za-z]+[,.]?`
	para := regexp.MustCompile(`^[A-Z][a-z]*[,.]?( ` + word + `)*\.$`)
	for range 20 {
		out, err := render("{{ lipsum(2, false, 5, 8) }}")
		if err != nil {
			t.Fatal(err)
		}
		ps := strings.Split(out, "\n\n")
		if len(ps) != 2 {
			t.Fatalf("%q: %d paragraphs, want 2", out, len(ps))
		}
		for _, p := range ps {
			if n := len(strings.Fields(p)); n < 5 || n >= 8 || !para.MatchString(p) {
				t.Fatalf("paragraph %q: %d words, want 5 to 7, capitalized, ending with a period", p, n)
			}
		}
	}
	out, err := render("{{ lipsum(1, min=3, max=4) }}")
	if err != nil || !regexp.MustCompile(`^<p>[A-Z][a-z]*,? [a-z]+,? [a-z]+\.</p>$`).MatchString(out) {
		t.Fatalf("lipsum(1, min=3, max=4) = %q, %v", out, err)
	}
	if _, err := render("{{ lipsum(1, true, 5, 5) }}"); err == nil || !strings.Contains(err.Error(), "empty range for randrange() (5, 5, 0)") {
		t.Fatalf("empty range: error = %v", err)
	}
	if _, err := render("{{ lipsum(100000000) }}"); !errors.Is(err, ErrValueLimit) {
		t.Fatalf("huge lipsum: error = %v, want ErrValueLimit", err)
	}
}
