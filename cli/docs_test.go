package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestManPagesForEveryCommand: `unet docs man DIR` writes one page per
// available command, each a well-formed roff page that groff renders
// without warnings, identical on a second run.
func TestManPagesForEveryCommand(t *testing.T) {
	dir1, dir2 := t.TempDir(), filepath.Join(t.TempDir(), "new", "man1")
	env := map[string]string{"SOURCE_DATE_EPOCH": "1767225600"} // 2026-01-01
	for _, d := range []string{dir1, dir2} {
		if _, errs, code := runCLI(t, env, "docs", "man", d); code != 0 {
			t.Fatalf("docs man %s: exit %d: %s", d, code, errs)
		}
	}
	root := (&app{env: Env{Getenv: func(string) string { return "" }}}).rootCommand()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var want []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root || c.IsAdditionalHelpTopicCommand() {
			return
		}
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, name := range []string{"unet.1", "unet-nodes-show.1", "unet-settings-validate.1", "unet-docs-man.1", "unet-completion-bash.1"} {
		if !containsString(want, name) {
			t.Fatalf("the command tree has no %s: %v", name, want)
		}
	}
	entries, err := os.ReadDir(dir1)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(uniq(want)) {
		t.Errorf("%d pages for %d commands", len(entries), len(uniq(want)))
	}
	groff, _ := exec.LookPath("groff")
	for _, name := range uniq(want) {
		a, err := os.ReadFile(filepath.Join(dir1, name))
		if err != nil {
			t.Errorf("no page %s: %v", name, err)
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir2, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", name)
		}
		page := string(a)
		for _, w := range []string{`.TH "UNET" "1" "Jan 2026" "\[u03BC]Net ` + Version + `" "\[u03BC]Net Manual"`, ".SH NAME", ".SH SYNOPSIS"} {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
		for i, r := range page {
			if r >= 0x80 {
				t.Errorf("%s: non-ASCII %q at byte %d", name, r, i)
				break
			}
		}
	}
	if groff != "" {
		// One run over every page; warnings name the file (line-filling
		// warnings of a long flag name are layout, not structure).
		args := []string{"-man", "-Tutf8", "-ww", "-Wbreak"}
		for _, name := range uniq(want) {
			args = append(args, filepath.Join(dir1, name))
		}
		cmd := exec.Command(groff, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil || errb.Len() > 0 {
			t.Errorf("groff: %v: %s", err, errb.String())
		}
		// grotty emboldens by overstriking: keep the characters only.
		text := overstrike.ReplaceAllString(out.String(), "")
		for _, name := range uniq(want) {
			if !regexp.MustCompile(`\n {7}` + regexp.QuoteMeta(strings.TrimSuffix(name, ".1")) + ` +- `).MatchString(text) {
				t.Errorf("groff: the rendered pages lack the NAME line of %s", name)
			}
		}
		if strings.Count(text, "SYNOPSIS") < len(uniq(want)) || !strings.Contains(text, "μNet Manual") {
			t.Error("groff: the rendered pages lack synopses or their manual title")
		}
	}
	if groff == "" {
		t.Log("groff is not installed: pages checked for roff structure only")
	}
}

// TestShellCompletionScripts: cobra's completion command writes a script
// for each shell, wired to the hidden __complete command.
func TestShellCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, errs, code := runCLI(t, nil, "completion", sh)
		if code != 0 || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, %d bytes: %s", sh, code, len(out), errs)
		}
	}
}

// TestMarkdownDocs writes one Markdown page per command.
func TestMarkdownDocs(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := runCLI(t, nil, "docs", "markdown", dir); code != 0 {
		t.Fatalf("docs markdown: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "unet_settings_show.md"))
	if err != nil || !strings.Contains(string(b), "## unet settings show") {
		t.Fatalf("unet_settings_show.md: %v %q", err, b)
	}
}

var overstrike = regexp.MustCompile(".\b")

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func uniq(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
