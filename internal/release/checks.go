package release

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// CheckBinary checks that the file at path is an executable for goos/goarch
// and, for Linux, that it is statically linked: no program interpreter
// (PT_INTERP) and no shared library it needs, so it runs on any Linux.
func CheckBinary(path, goos, goarch string) error {
	switch goos {
	case "linux":
		return checkELF(path, goarch)
	case "darwin":
		return checkMachO(path, goarch)
	case "windows":
		return checkPE(path, goarch)
	}
	return fmt.Errorf("%s: unknown system %q", path, goos)
}

func checkELF(path, goarch string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: not an ELF file: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[goarch]
	if want == 0 || f.Machine != want {
		return fmt.Errorf("%s: ELF machine %v, want one for %s", path, f.Machine, goarch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s: has a program interpreter (PT_INTERP): dynamically linked", path)
		}
		if p.Type == elf.PT_DYNAMIC {
			return fmt.Errorf("%s: has a dynamic section (PT_DYNAMIC): dynamically linked", path)
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return fmt.Errorf("%s: reading its imported libraries: %w", path, err)
	}
	if len(libs) > 0 {
		return fmt.Errorf("%s: needs shared libraries %v", path, libs)
	}
	if f.Type != elf.ET_EXEC {
		return fmt.Errorf("%s: ELF type %v, want a static executable (ET_EXEC)", path, f.Type)
	}
	return nil
}

func checkMachO(path, goarch string) error {
	f, err := macho.Open(path)
	if err != nil {
		return fmt.Errorf("%s: not a Mach-O file: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	want := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[goarch]
	if want == 0 || f.Cpu != want {
		return fmt.Errorf("%s: Mach-O CPU %v, want one for %s", path, f.Cpu, goarch)
	}
	if f.Type != macho.TypeExec {
		return fmt.Errorf("%s: Mach-O type %v, want an executable", path, f.Type)
	}
	return nil
}

func checkPE(path, goarch string) error {
	f, err := pe.Open(path)
	if err != nil {
		return fmt.Errorf("%s: not a PE file: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	want := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[goarch]
	if want == 0 || f.Machine != want {
		return fmt.Errorf("%s: PE machine %#x, want one for %s", path, f.Machine, goarch)
	}
	if f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || f.Characteristics&pe.IMAGE_FILE_DLL != 0 {
		return fmt.Errorf("%s: not an executable image", path)
	}
	return nil
}

// cdxBOM is the part of a CycloneDX JSON document the checks read.
type cdxBOM struct {
	BOMFormat   string `json:"bomFormat"`
	SpecVersion string `json:"specVersion"`
	Metadata    struct {
		Component *cdxComponent `json:"component"`
	} `json:"metadata"`
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version"`
	PURL    string `json:"purl"`
}

// CheckSBOM checks that the file at path is a CycloneDX JSON SBOM whose
// subject is module (an application) and whose components include each of
// want (module paths), every component a Go module with a package URL.
func CheckSBOM(path, module string, want ...string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var bom cdxBOM
	if err := json.Unmarshal(data, &bom); err != nil {
		return fmt.Errorf("%s: not JSON: %w", path, err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion == "" {
		return fmt.Errorf("%s: bomFormat %q specVersion %q, want a CycloneDX document", path, bom.BOMFormat, bom.SpecVersion)
	}
	c := bom.Metadata.Component
	if c == nil || c.Name != module || c.Type != "application" || !strings.HasPrefix(c.PURL, "pkg:golang/"+module+"@") {
		return fmt.Errorf("%s: metadata.component %+v, want the application %s", path, c, module)
	}
	have := map[string]bool{}
	for _, comp := range bom.Components {
		if !strings.HasPrefix(comp.PURL, "pkg:golang/") || comp.Version == "" {
			return fmt.Errorf("%s: component %+v is not a Go module with a version and package URL", path, comp)
		}
		have[comp.Name] = true
	}
	for _, w := range want {
		if !have[w] {
			return fmt.Errorf("%s: no component %s among its %d", path, w, len(bom.Components))
		}
	}
	return nil
}
