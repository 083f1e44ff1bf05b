package gitsync

import (
	"errors"
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

// TestValidateNamesTheField: every problem of a Source comes back as a
// *FieldError naming its field, text limits included, without the value.
func TestValidateNamesTheField(t *testing.T) {
	base := Source{Name: "s", URL: "https://git.example.net/x.git", Kind: KindBoth}
	for _, tt := range []struct {
		edit  func(*Source)
		field string
	}{
		{func(s *Source) { s.URL = "https://git.example.net/" + strings.Repeat("a", 3000) }, "url"},
		{func(s *Source) { s.URL = "https://git.example.net/\x1b[2J" }, "url"},
		{func(s *Source) { s.Branch = "a b" }, "branch"},
		{func(s *Source) { s.Tag = "v1:" }, "tag"},
		{func(s *Source) { s.Commit = "nothex" }, "commit"},
		{func(s *Source) { s.Branch, s.Commit = "main", "abcd" }, "commit"},
		{func(s *Source) { s.Path = "../up" }, "path"},
		{func(s *Source) { s.Kind = "pictures" }, "kind"},
		{func(s *Source) { s.Environments = map[string]string{"default": "main"} }, "environments"},
		{func(s *Source) { s.Environments = map[string]string{"prod\x1b": "main"} }, "environments"},
		{func(s *Source) { s.Environments = map[string]string{"prod": "x..y"} }, "environments.prod"},
		{func(s *Source) { s.Auth = &Auth{Username: "u\x1b"} }, "auth.username"},
		{func(s *Source) { s.Auth = &Auth{TokenRef: "env:A\x1b"} }, "auth.token_ref"},
		{func(s *Source) { s.Auth = &Auth{KnownHosts: "h ssh-ed25519 AAAA\t\n"} }, "auth.known_hosts"},
		{func(s *Source) { s.Auth = &Auth{KnownHosts: strings.Repeat("k", MaxKnownHostsBytes+1)} }, "auth.known_hosts"},
	} {
		s := base
		tt.edit(&s)
		err := s.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: got %#v", tt.field, err)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\t") || len(err.Error()) > 300 {
			t.Errorf("%s: the message carries the value: %q", tt.field, err.Error())
		}
	}
	ok := base
	ok.Auth = &Auth{KnownHosts: "a ssh-ed25519 AAAA\nb ssh-ed25519 BBBB\n"}
	if err := ok.Validate(); err != nil {
		t.Errorf("multi-line known_hosts: %v", err)
	}
}
