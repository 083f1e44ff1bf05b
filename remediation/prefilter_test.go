package remediation

import (
	"regexp"
	"testing"
)

// The prefilter and the substitution index never hide a line a regex
// matches.
func TestPrefilterNeverRejectsAMatch(t *testing.T) {
	exprs := []string{`^\s*[#!].*`, `^ exit-address-family`, `^end$`, `^\s*ipv6 unreachables disable$`,
		`!.*`, `.*speed.*`, `^\s*[ #]x`, `^(?i)end`, `^é`, `^\s*é`, `^[a-c]`, `^\d+ `}
	inputs := []string{"", "!", " !", "  ! comment", "#", "end", "end ", " end", "ipv6 unreachables disable",
		"   ipv6 unreachables disable", " exit-address-family", "exit-address-family", "speed 100", " x",
		"  #x", "END", "é", "  é", "b", "10 permit", "\tend"}
	var subs []csub
	for _, e := range exprs {
		subs = append(subs, csub{re: regexp.MustCompile(e), pre: newPrefilter(e)})
	}
	idx := newSubstIndex(subs)
	for _, in := range inputs {
		trimmed := in
		for len(trimmed) > 0 && (trimmed[0] == ' ' || trimmed[0] == '\t') {
			trimmed = trimmed[1:]
		}
		var cands []int
		if in != "" {
			cands = idx.candidates(in, trimmed, nil)
		}
		for i, s := range subs {
			if !s.re.MatchString(in) {
				continue
			}
			if !s.pre.mayMatch(in, trimmed) {
				t.Errorf("prefilter of %q rejects %q", exprs[i], in)
			}
			found := false
			for _, c := range cands {
				found = found || c == i
			}
			if in != "" && !found {
				t.Errorf("index leaves out %q for %q", exprs[i], in)
			}
		}
	}
}
