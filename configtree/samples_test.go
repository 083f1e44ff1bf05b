package configtree

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/unet-dev/unet/internal/sampleconfigs"
)

// Test inputs. The EOS configurations and the conformance corpus are
// third-party files under the Apache License 2.0 (see ../testdata/NOTICE);
// the IOS, NX-OS, IOS-XR and JunOS configurations are generated.
const (
	configsDir      = "../testdata/configs"
	conformanceDir  = "../testdata/conformance/parser"
	generatedPrefix = "generated/"
)

// generatedSamples maps "generated/DIR/NAME" to the generated sample.
var generatedSamples = sync.OnceValue(func() map[string]sampleconfigs.Sample {
	out := map[string]sampleconfigs.Sample{}
	for _, s := range sampleconfigs.All() {
		out[generatedPrefix+s.Path()] = s
	}
	return out
})

// sampleConfigs lists the sample configurations with their dialect: the EOS
// files of ../testdata/configs and the generated IOS, NX-OS, IOS-XR and
// JunOS configurations. Keys are paths for files and "generated/DIR/NAME"
// for generated ones; readConfig reads either.
func sampleConfigs(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := filepath.Glob(filepath.Join(configsDir, "eos", "*.cfg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no EOS sample configurations in %s: %v", filepath.Join(configsDir, "eos"), err)
	}
	for _, f := range files {
		out[f] = DialectEOS
	}
	for key, s := range generatedSamples() {
		out[key] = s.Dialect
	}
	return out
}

// readConfig returns the text of a sample configuration key or file path.
func readConfig(t testing.TB, key string) []byte {
	t.Helper()
	if strings.HasPrefix(key, generatedPrefix) {
		s, ok := generatedSamples()[key]
		if !ok {
			t.Fatalf("no generated sample %s", key)
		}
		return []byte(s.Text)
	}
	src, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
