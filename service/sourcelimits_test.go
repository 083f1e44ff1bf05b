package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestSourceFieldLimits: the string fields of SNMP profiles and Git sources
// are bounded and free of control characters, and every refusal of the Git
// source rules (branch, tag, commit, environments) names its field, on both
// engines; nothing is stored.
func TestSourceFieldLimits(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		for _, tt := range []struct {
			p     unet.SNMPProfile
			field string
		}{
			{unet.SNMPProfile{Name: "p", Version: "3", User: strings.Repeat("u", 601) + "\x1b", AuthProto: "sha", AuthKeyRef: "env:UNET_A"}, "user"},
			{unet.SNMPProfile{Name: "p", Version: "3", User: "ops", AuthProto: "sha\x1b", AuthKeyRef: "env:UNET_A"}, "auth_proto"},
			{unet.SNMPProfile{Name: "p", Version: "2c", CommunityRef: "env:UNET_C", Timeout: "2s\n"}, "timeout"},
			{unet.SNMPProfile{Name: "p\x1b", Version: "2c", CommunityRef: "env:UNET_C"}, "name"},
		} {
			_, err := svc.CreateSNMPProfile(ctx, &tt.p, unet.WriteOptions{})
			hasField(t, err, tt.field)
			for _, f := range unet.ErrorFields(err) {
				if f.Field == "" {
					t.Errorf("%s: a field error without a field: %v", tt.field, err)
				}
			}
			if tt.field == "name" && len(unet.ErrorFields(err)) != 1 {
				t.Errorf("name reported more than once: %v", unet.ErrorFields(err))
			}
		}
		const url = "https://git.example.net/x.git"
		for _, tt := range []struct {
			src   unet.GitSource
			field string
		}{
			{unet.GitSource{Name: "g", URL: url + strings.Repeat("a", 3000) + "\x1b[2J"}, "url"},
			{unet.GitSource{Name: "g", URL: url, Branch: "a b"}, "branch"},
			{unet.GitSource{Name: "g", URL: url, Tag: "v1~"}, "tag"},
			{unet.GitSource{Name: "g", URL: url, Commit: "xyz"}, "commit"},
			{unet.GitSource{Name: "g", URL: url, Path: "/etc"}, "path"},
			{unet.GitSource{Name: "g", URL: url, PoliciesDir: "p\x1b"}, "policies_dir"},
			{unet.GitSource{Name: "g", URL: url, Environments: map[string]string{"default": "main"}}, "environments"},
			{unet.GitSource{Name: "g", URL: url, Environments: map[string]string{"prod": "a..b"}}, "environments.prod"},
			{unet.GitSource{Name: "g", URL: url, Auth: &unet.GitAuth{Username: "u\x1b"}}, "auth.username"},
			{unet.GitSource{Name: "g", URL: url, Auth: &unet.GitAuth{KnownHosts: "h ssh-ed25519 AAAA\r\n"}}, "auth.known_hosts"},
			{unet.GitSource{Name: "g", URL: url, Auth: &unet.GitAuth{KnownHosts: strings.Repeat("k", 64<<10+1)}}, "auth.known_hosts"},
		} {
			_, err := svc.AddGitSource(ctx, &tt.src, unet.WriteOptions{})
			hasField(t, err, tt.field)
		}
		if ps, err := svc.ListSNMPProfiles(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("profiles after refusals: %v %v", ps, err)
		}
		if gs, err := svc.ListGitSources(ctx); err != nil || len(gs) != 0 {
			t.Fatalf("sources after refusals: %v %v", gs, err)
		}
	})
}
