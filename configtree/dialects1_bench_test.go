package configtree

import (
	"bufio"
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// blockBenchInput is the three configurations of a dialect's folder of
// testdata/netutils, concatenated and repeated 30 times (a few hundred KB).
func blockBenchInput(b *testing.B, folder string) []byte {
	b.Helper()
	confs, _ := filepath.Glob(filepath.Join(netutils1Dir, folder, "*.conf"))
	sort.Strings(confs)
	var one strings.Builder
	for _, c := range confs {
		one.WriteString(netutils1Config(b, folder, strings.TrimSuffix(filepath.Base(c), ".conf")))
	}
	if one.Len() == 0 {
		b.Fatalf("no configurations in %s", folder)
	}
	return []byte(strings.Repeat(one.String(), 30))
}

// BenchmarkParseBlockDialects parses FortiOS, SR OS, RAD ETX and Onyx
// configurations into trees, next to a plain line scan of the same bytes.
func BenchmarkParseBlockDialects(b *testing.B) {
	for _, folder := range []string{"fortinet_fortios", "nokia_sros", "rad_etx", "nvidia_onyx"} {
		data := blockBenchInput(b, folder)
		dialect := netutils1Folders[folder].dialect
		b.Run(dialect+"/parse", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(bytes.NewReader(data), dialect); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(dialect+"/slice", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			m := MustParseMatch("*||.*")
			for b.Loop() {
				if _, err := SliceText(data, dialect, m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(dialect+"/linescan", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			n := 0
			for b.Loop() {
				sc := bufio.NewScanner(bytes.NewReader(data))
				for sc.Scan() {
					n++
				}
			}
			if n == 0 {
				b.Fatal("no lines")
			}
		})
	}
}
