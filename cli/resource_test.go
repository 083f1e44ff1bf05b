package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/sqlstore"
)

// resourceScenario exercises every command the resource tables build, with
// each output format, every field flag and the errors the CLI itself raises
// (missing or malformed flags and arguments).
var resourceScenario = []string{
	"vendors list -o table",
	"vendors add mikrotik --display-name MikroTik --reason new-vendor",
	"vendors add mikrotik -o table",
	"vendors add",
	"vendors add a b",
	"vendors list -o yaml",
	"locations add --name Europe --type region -o table",
	"locations add --name London --type site --parent Europe --address '1 Main St' --description HQ --lifecycle live --snmp-profile lab --tag uk --tag hq --custom-data {\"floor\":3}",
	"locations add --name X --type site --custom-data nope",
	"locations add --name X --type site --custom-data [1]",
	"locations add extra --name X --type site",
	"locations list -o table",
	"locations list --parent Europe -o ndjson",
	"locations list --type site --limit 1 -o table",
	"locations show Europe/London -o table",
	"locations show",
	"locations update Europe/London --name Londres --type building --parent '' --address 2 --description d --lifecycle planned --snmp-profile '' --tag a --custom-data {\"x\":{\"y\":1}} --set custom_data.x.z=2 -o table",
	"locations update Londres --custom-data {\"x\":1} -o yaml",
	"locations update Londres",
	"locations update Londres --set nonsense",
	"nodes add --name lon-core-01 --vendor cisco --domain example.net --model ASR --role core --device-type router --platform iosxe --mgmt-ip 10.0.0.1 --software-version 17.9 --serial S1 --asset-tag A1 --location Londres --lifecycle live --environment staging --snmp-profile lab --tag core --tag lon --custom-data {\"rack\":\"A1\"} -o table",
	"nodes add --name lon-core-02 --vendor cisco",
	"nodes add --name x --vendor cisco --custom-data [1]",
	"nodes add extra",
	"nodes list -o table",
	"nodes list --vendor cisco --role core --platform iosxe --location Londres --lifecycle live --tag lon -o table",
	"nodes list --limit 1 --offset 1",
	"nodes list --environment staging --search s1 --compliance none --sort -name -o table",
	"nodes list --search LON-CORE --sort=-fqdn -o table",
	"nodes list --compliance green",
	"nodes list --sort -colour",
	"nodes list extra",
	"nodes show lon-core-01.example.net -o table",
	"nodes show lon-core-02 -o yaml",
	"nodes show",
	"nodes update lon-core-02 --name lon-core-03 --vendor juniper --domain '' --model MX --role edge --device-type router --platform junos --mgmt-ip 10.0.0.3 --software-version 23.4 --serial S3 --asset-tag A3 --location Londres --lifecycle implementing --environment production --snmp-profile '' --tag edge --custom-data {\"a\":1} --set custom_data.b=2 --reason rename -o table",
	"nodes update lon-core-03 --if-version 1 --role x",
	"nodes update lon-core-03",
	"nodes update lon-core-03 --custom-data nope",
	"nodes update",
	"links add --a lon-core-01.example.net:Gi0/0/1 --z lon-core-03:xe-0/0/0 --role backbone --bandwidth 10G --circuit-id C1 --provider ACME --name core-link --description d --lifecycle live --tag t --custom-data {\"k\":\"v\"} -o table",
	"links add --a lon-core-01.example.net:Gi0/0/9 --role internet --bandwidth 1.5G",
	"links add --z lon-core-03:xe-0/0/1",
	"links add --a nocolon",
	"links add --a lon-core-01.example.net:Gi0/0/2 --z :x",
	"links add --a lon-core-01.example.net:Gi0/0/2 --bandwidth fast",
	"links add --a lon-core-01.example.net:Gi0/0/2 --custom-data 1",
	"links list -o table",
	"links list --node lon-core-03 --role backbone -o table",
	"links list --limit 1 -o ndjson",
	"links show core-link -o table",
	"links show lon-core-01.example.net:Gi0/0/9 -o table",
	"links update core-link --z '' --bandwidth 40G --name core --description e --circuit-id C2 --provider Other --role access --lifecycle planned --tag x --custom-data {\"k\":2} -o table",
	"links update core --a lon-core-03:xe-0/0/5 --z lon-core-01.example.net:Gi0/0/5 -o table",
	"links update core --a ''",
	"links update core --z bad",
	"links update core --bandwidth fast",
	"links update core --custom-data []",
	"links update core",
	"links delete core --if-version 1",
	"links delete core -o table",
	"links delete lon-core-01.example.net:Gi0/0/9 --reason gone",
	"links delete",
	"nodes delete lon-core-03 --reason retire -o table",
	"nodes delete lon-core-01.example.net --cascade",
	"locations delete Europe --if-version 1",
	"locations delete Londres -o table",
	"changes list -o table",
	"changes list --object node/lon-core-01 --actor alice --limit 2 -o table",
	"changes list --since 2000-01-01T00:00:00Z --limit 2 -o table",
	"changes list --since yesterday",
	"changes list --offset 3 --limit 2 -o ndjson",
	"changes show",
	"changes show 00000000-0000-0000-0000-000000000000",
	"changes show {change} -o table",
	// Change review: every mutating command stages its operation instead.
	"vendors add ubiquiti --propose 'Add Ubiquiti' --reason 'new supplier' -o table",
	"locations add --name Paris --type site --changeset cs-1 -o table",
	"nodes add --name par-01 --vendor ubiquiti --location Paris --changeset cs-1 -o table",
	"links add --a par-01:xe-0/0/0 --changeset cs-1 -o table",
	"nodes update par-01 --set role=edge --changeset cs-1 -o table",
	"locations update Paris --description d --propose 'Describe Paris' --draft -o table",
	"nodes add --name ams-01 --vendor cisco --propose Amsterdam --draft -o table",
	"links add --a ams-01:e1 --changeset cs-2 -o table",
	"links delete ams-01:e1 --changeset cs-2 -o table",
	"nodes delete ams-01 --cascade --changeset cs-2 -o table",
	"vendors add zte --changeset cs-2 -o ndjson",
	"locations delete Nowhere --changeset cs-2",
	"nodes add --name x --vendor cisco --propose T --changeset cs-1",
	"nodes update par-01 --role r --propose T --if-version 2",
	"links delete x --emergency",
	"vendors add y --draft",
	"changes show cs-1 --no-impact -o table",
	"changes show cs-2 --no-impact -o table",
	"changes sets -o table",
	"changes sets --state open --author alice -o table",
	"changes submit cs-2 -o table",
	"changes abandon cs-2 --reason later -o table",
	"changes show cs-9",
	"vendors list -o table",
}

// TestResourceCommandOutputs runs resourceScenario against a local database
// and compares every exit code, stdout and stderr (IDs and times
// normalised) with a recorded transcript.
func TestResourceCommandOutputs(t *testing.T) {
	m := &contractMode{name: "local", dir: t.TempDir()}
	m.target = "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	m.global = []string{"--db", m.target}
	createLocalDB(t, m.target)
	n := &normalizer{ids: map[string]string{}}
	var b strings.Builder
	for _, line := range resourceScenario {
		args := splitArgs(line)
		for i, a := range args {
			if strings.Contains(a, "{change}") {
				args[i] = strings.ReplaceAll(a, "{change}", newestChange(t, m))
			}
		}
		o := m.run(t, args...)
		fmt.Fprintf(&b, "$ unet %s\n[exit %d]\n%s", line, o.code, n.apply(m, o.stdout))
		if o.stderr != "" {
			fmt.Fprintf(&b, "[stderr]\n%s", n.apply(m, o.stderr))
		}
		b.WriteString("\n")
	}
	checkGolden(t, "resource_outputs.golden", b.String())
}

// TestChangeShowRefusesUnreadableImages: a change whose stored before/after
// image is not JSON is reported as an internal error, in table output as in
// JSON output, instead of being shown as a change without differences.
func TestChangeShowRefusesUnreadableImages(t *testing.T) {
	m := &contractMode{name: "local", dir: t.TempDir()}
	file := filepath.Join(t.TempDir(), "unet.db")
	m.target = "sqlite://" + file
	m.global = []string{"--db", m.target}
	createLocalDB(t, m.target)
	if o := m.run(t, "vendors", "add", "acme"); o.code != ExitOK {
		t.Fatalf("vendors add: %d %s", o.code, o.stderr)
	}
	id := newestChange(t, m)
	if o := m.run(t, "changes", "show", id, "-o", "table"); o.code != ExitOK || !strings.Contains(o.stdout, "+ name: \"acme\"") {
		t.Fatalf("changes show of a readable change: %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	db, err := sqlstore.Open(context.Background(), m.target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE changes SET after_json = '{"name": "acme"' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json"} {
		o := m.run(t, "changes", "show", id, "-o", format)
		if o.code != ExitInternal || !strings.Contains(o.stderr, "internal error") {
			t.Errorf("changes show -o %s of an unreadable change: exit %d\nstdout: %s\nstderr: %s", format, o.code, o.stdout, o.stderr)
		}
	}
}
