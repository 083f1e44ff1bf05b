package gitsync

import (
	"strings"
	"testing"
	"time"
)

func TestSourceValidate(t *testing.T) {
	ok := Source{Name: "site-policies", URL: "https://git.example.net/net/policies.git", Branch: "main", Kind: KindBoth,
		Path: "network/", Environments: map[string]string{"production": "prod", "staging": "release/next"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid source: %v", err)
	}
	for _, u := range []string{"ssh://git@git.example.net/net/p.git", "git@git.example.net:net/p.git", "file:///srv/git/p.git", "/srv/git/p.git", "../p.git"} {
		s := ok
		s.URL = u
		if err := s.Validate(); err != nil {
			t.Fatalf("url %s: %v", u, err)
		}
	}
	bad := map[string]func(*Source){
		"name":          func(s *Source) { s.Name = "../etc" },
		"empty name":    func(s *Source) { s.Name = "" },
		"url":           func(s *Source) { s.URL = "" },
		"scheme":        func(s *Source) { s.URL = "ftp://example.net/x.git" },
		"branch+tag":    func(s *Source) { s.Tag = "v1" },
		"commit":        func(s *Source) { s.Branch, s.Commit = "", "not-a-hash" },
		"branch name":   func(s *Source) { s.Branch = "bad..name" },
		"path":          func(s *Source) { s.Path = "../outside" },
		"absolute path": func(s *Source) { s.Path = "/etc" },
		"kind":          func(s *Source) { s.Kind = "configs" },
		"interval":      func(s *Source) { s.Interval = -time.Second },
		"env name":      func(s *Source) { s.Environments = map[string]string{"default": "main"} },
		"env branch":    func(s *Source) { s.Environments = map[string]string{"prod": "a b"} },
	}
	for name, mutate := range bad {
		s := ok
		mutate(&s)
		if err := s.Validate(); err == nil {
			t.Fatalf("%s: invalid source accepted", name)
		}
	}
}

func TestSourceEnvironments(t *testing.T) {
	s := Source{Name: "p", URL: "/x", Tag: "v2", Kind: KindPolicies, Environments: map[string]string{"prod": "production", "dev": "develop"}}
	var names []string
	for _, e := range s.EnvironmentList() {
		names = append(names, e.Name+"="+e.Ref.String())
	}
	if got := strings.Join(names, ","); got != "default=refs/tags/v2,dev=refs/heads/develop,prod=refs/heads/production" {
		t.Fatalf("environments = %s", got)
	}
	if e := s.Environment("prod"); e.Branch() != "production" {
		t.Fatalf("prod = %+v", e)
	}
	if e := s.Environment("unknown"); e.Name != DefaultEnvironment || e.Branch() != "" {
		t.Fatalf("unknown environment = %+v", e)
	}
	c := Source{Name: "p", URL: "/x", Commit: "ABCDEF12", Kind: KindPolicies}
	if e := c.Environment(""); e.Commit != "abcdef12" {
		t.Fatalf("commit environment = %+v", e)
	}
}
