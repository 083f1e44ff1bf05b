package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// runCLI runs a command line in-process with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return out.String(), errb.String(), code
}

// TestSettingsTableMatchesConfigStruct: the settings table describes
// exactly the keys the config file decodes, names real flags, and its
// defaults have the keys' types.
func TestSettingsTableMatchesConfigStruct(t *testing.T) {
	leaves := configLeaves()
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.Key] {
			t.Errorf("%s: listed twice", s.Key)
		}
		seen[s.Key] = true
		if _, ok := leaves[s.Key]; !ok {
			t.Errorf("%s: in the settings table but not in serveConfig", s.Key)
		}
		if s.Doc == "" {
			t.Errorf("%s: no description", s.Key)
		}
		if s.Default == nil && s.DefaultText == "" && s.Deprecated == "" {
			t.Errorf("%s: neither a default nor a text saying what applies", s.Key)
		}
		if section, _ := sectionOf(s.Key); !sectionKnown(section) {
			t.Errorf("%s: section %q is not in settingSections", s.Key, section)
		}
	}
	for key := range leaves {
		if !seen[key] {
			t.Errorf("%s: decoded from the config file but missing from the settings table", key)
		}
	}
	root := (&app{env: Env{Getenv: func(string) string { return "" }}}).rootCommand()
	serve, _, err := root.Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if s.Flag != "" && serve.Flags().Lookup(s.Flag) == nil && root.PersistentFlags().Lookup(s.Flag) == nil {
			t.Errorf("%s: flag --%s exists neither on serve nor globally", s.Key, s.Flag)
		}
	}
	// Every fixed default, written as TOML, decodes into its key and back
	// to the same value.
	cfg, err := decodeConfig("init.toml", []byte(configTemplate()))
	if err != nil {
		t.Fatalf("the init file does not decode: %v", err)
	}
	for _, s := range settings {
		if s.Default == nil {
			continue
		}
		got := fieldByKey(reflect.ValueOf(cfg).Elem(), s.Key)
		if got.Kind() == reflect.Pointer {
			got = got.Elem()
		}
		want := reflect.ValueOf(s.Default)
		if got.Type() == reflect.TypeFor[duration]() {
			got = reflect.ValueOf(time.Duration(got.Int()))
		}
		if got.CanInt() && want.CanInt() && got.Int() == want.Int() || got.CanFloat() && got.Float() == want.Float() ||
			got.Kind() == want.Kind() && reflect.DeepEqual(got.Interface(), want.Interface()) ||
			got.Kind() == reflect.String && got.String() == want.String() {
			continue
		}
		t.Errorf("%s: default %v reads back as %v", s.Key, s.Default, got)
	}
}

func sectionKnown(name string) bool {
	for _, s := range settingSections {
		if s.Name == name {
			return true
		}
	}
	return false
}

// fieldByKey finds the field of a dotted key by its toml tags.
func fieldByKey(v reflect.Value, key string) reflect.Value {
	head, rest, more := strings.Cut(key, ".")
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("toml"), ",")
		if name == head {
			if more {
				return fieldByKey(v.Field(i), rest)
			}
			return v.Field(i)
		}
	}
	panic("no field " + key)
}

// TestSettingsInitValidateAndServe: init writes a file that validates and
// that unet serve starts with; it never replaces a file without --force.
func TestSettingsInitValidateAndServe(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "unet.toml")
	if _, errs, code := runCLI(t, nil, "settings", "init", file); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(written) != configTemplate() {
		t.Fatal("init FILE differs from the template")
	}
	for _, want := range []string{"[server]\n", "listen = \"127.0.0.1:8080\"", "# token_pepper = \"\"", "[notifications]", "give_up = \"24h\""} {
		if !strings.Contains(string(written), want) {
			t.Errorf("init file lacks %q", want)
		}
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("init file mode: %v %v", fi.Mode(), err)
	}
	if err := os.WriteFile(file, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, nil, "settings", "init", file); code != ExitFailure || !strings.Contains(errs, "--force") {
		t.Fatalf("init over a file: exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(file); string(b) != "# mine\n" {
		t.Fatalf("init replaced the file without --force: %q", b)
	}
	if _, errs, code := runCLI(t, nil, "settings", "init", "--force", file); code != 0 {
		t.Fatalf("init --force: exit %d: %s", code, errs)
	}
	if out, _, code := runCLI(t, nil, "settings", "init"); code != 0 || out != configTemplate() {
		t.Fatalf("init to stdout: exit %d", code)
	}
	out, errs, code := runCLI(t, nil, "settings", "validate", file, "-o", "json")
	if code != 0 || !strings.Contains(out, `"valid": true`) {
		t.Fatalf("validate the init file: exit %d: %s %s", code, out, errs)
	}
	// The same file through UNET_CONFIG.
	if _, errs, code := runCLI(t, map[string]string{"UNET_CONFIG": file}, "settings", "validate"); code != 0 {
		t.Fatalf("validate through UNET_CONFIG: exit %d: %s", code, errs)
	}
	if _, errs, code := runCLI(t, nil, "settings", "validate"); code != ExitUsage {
		t.Fatalf("validate without a file: exit %d: %s", code, errs)
	}
	// unet serve runs with every default written out.
	db := "sqlite://" + filepath.Join(dir, "unet.db")
	url, _, stop := startServe(t, []string{"--db", db, "--config", file}, nil)
	if url == "" {
		t.Fatal("no URL")
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve with the init file exited %d", code)
	}
}

// TestSettingsValidateReportsPositions: unknown keys, wrong types and
// invalid values are reported with line and column, exit 66.
func TestSettingsValidateReportsPositions(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown", "[server]\nlisten = \"127.0.0.1:9\"\n  colour = \"red\"\n[nope]\nx = 1\n",
			[]string{"has unknown keys", "unknown.toml:3:3: server.colour: unknown key", "unknown.toml:4:2: nope: unknown key"}},
		{"type", "[database]\nmax_conns = \"many\"\n",
			[]string{"type.toml:2:13: database.max_conns: want integer, not a TOML string"}},
		{"duration", "[server]\nread_timeout = \"soon\"\n",
			[]string{"duration.toml:2:16", `"soon" is not a duration`}},
		{"syntax", "[server\nlisten = 1\n", []string{"syntax.toml:1:"}},
		{"values", strings.Join([]string{
			"[server]",
			`listen = "localhost"`,
			`auth = "ldap"`,
			`rate_limit = "fast"`,
			`  token_pepper = "s3cret-in-clear"`,
			`allow_ips = ["10.0.0.0/8", "not-a-net"]`,
			`require_change_sets = 3`,
			"[database]",
			`sqlite_sync = "sometimes"`,
			"[changes]",
			"guard_config_percent = 150",
			"[notifications]",
			`give_up = "800h"`,
			"[oidc]",
			`role_map = ["admins"]`,
			""}, "\n"),
			[]string{"has invalid values",
				`values.toml:2:1: server.listen: "localhost" is not HOST:PORT`,
				`values.toml:3:1: server.auth: "ldap" is not one of none, local, oidc`,
				"values.toml:4:1: server.rate_limit:",
				"values.toml:5:3: server.token_pepper: not a secret reference",
				"values.toml:6:1: server.allow_ips:",
				"values.toml:7:1: server.require_change_sets:",
				`values.toml:9:1: database.sqlite_sync: "sometimes" is not one of full, normal`,
				"values.toml:11:1: changes.guard_config_percent: 150 is not a percentage",
				"values.toml:13:1: notifications.give_up: 800h must be shorter than server.event_retention (720h)",
				"values.toml:15:1: oidc.role_map:"}},
	}
	for _, c := range cases {
		file := filepath.Join(dir, c.name+".toml")
		if err := os.WriteFile(file, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, errs, code := runCLI(t, nil, "settings", "validate", file)
		if code != ExitInvalid {
			t.Errorf("%s: exit %d, want %d: %s", c.name, code, ExitInvalid, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", c.name, w, errs)
			}
		}
		if strings.Contains(errs, "s3cret-in-clear") {
			t.Errorf("%s: the message repeats a secret value:\n%s", c.name, errs)
		}
	}
}

// TestSettingsShowSourcesAndRedaction: defaults < file < env < flags, each
// value with its source, secrets and database passwords redacted.
func TestSettingsShowSourcesAndRedaction(t *testing.T) {
	file := filepath.Join(t.TempDir(), "unet.toml")
	text := strings.Join([]string{
		`data_dir = "/var/lib/unet"`,
		"[server]",
		`listen = "127.0.0.1:9000"`,
		`auth = "local"`,
		`token_pepper = "env:PEPPER_FROM_FILE"`,
		"[database]",
		`url = "postgres://unet:hunter2@db.example.net/unet"`,
		"[secrets]",
		`key = "file:/etc/unet/key"`,
		`previous_keys = ["env:OLD_KEY"]`,
		"[log]",
		`format = "json"`,
		""}, "\n")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"UNET_CONFIG": file, "UNET_LISTEN": "127.0.0.1:9100", "UNET_TOKEN_PEPPER": "env:PEPPER_FROM_ENV"}
	out, errs, code := runCLI(t, env, "settings", "show", "-o", "json", "--secrets-key", "env:KEY_FROM_FLAG", "--db-max-conns", "12")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errs)
	}
	for _, secret := range []string{"hunter2", "PEPPER_FROM", "KEY_FROM_FLAG", "OLD_KEY", "/etc/unet/key"} {
		if strings.Contains(out, secret) {
			t.Errorf("show prints %q:\n%s", secret, out)
		}
	}
	var rows []settingRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]settingRow{}
	for _, r := range rows {
		got[r.Key] = r
	}
	want := map[string]settingRow{
		"server.listen":         {Value: "127.0.0.1:9100", Source: "env UNET_LISTEN"},
		"server.auth":           {Value: "local", Source: "file " + file},
		"server.token_pepper":   {Value: redacted, Source: "env UNET_TOKEN_PEPPER"},
		"database.url":          {Value: "postgres://unet:xxxxx@db.example.net/unet", Source: "file " + file},
		"database.max_conns":    {Value: "12", Source: "flag --db-max-conns"},
		"secrets.key":           {Value: redacted, Source: "flag --secrets-key"},
		"secrets.previous_keys": {Value: redacted, Source: "file " + file},
		"log.format":            {Value: "json", Source: "file " + file},
		"log.level":             {Value: "info", Source: "default"},
		"data_dir":              {Value: "/var/lib/unet", Source: "file " + file},
		"server.read_timeout":   {Value: "30s", Source: "default"},
	}
	for k, w := range want {
		w.Key = k
		if got[k] != w {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
	if len(rows) != len(settings)-2 {
		t.Errorf("%d rows for %d settings (2 deprecated, not set)", len(rows), len(settings))
	}
	// A file that does not decode is reported, not shown.
	if err := os.WriteFile(file, []byte("[server]\nlisten = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, env, "settings", "show"); code != ExitInvalid || !strings.Contains(errs, ":2:10:") {
		t.Fatalf("show with a bad file: exit %d: %s", code, errs)
	}
}

// TestConfigReferenceIsCurrent fails when docs/configuration.md is not what
// `unet docs config` prints (go test -run TestConfigReferenceIsCurrent
// -update rewrites it).
func TestConfigReferenceIsCurrent(t *testing.T) {
	path := filepath.Join("..", "docs", "configuration.md")
	out, errs, code := runCLI(t, nil, "docs", "config")
	if code != 0 {
		t.Fatalf("docs config: exit %d: %s", code, errs)
	}
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != out {
		t.Fatalf("%s is out of date: run go run ./cmd/unet docs config > docs/configuration.md (or this test with -update)", path)
	}
	for _, s := range settings {
		_, name := sectionOf(s.Key)
		if !strings.Contains(out, "| `"+name+"` |") {
			t.Errorf("the reference lacks %s", s.Key)
		}
	}
	var doc map[string]any
	if err := toml.Unmarshal([]byte(configTemplate()), &doc); err != nil {
		t.Fatal(err)
	}
}
