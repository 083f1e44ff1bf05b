package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/unet-dev/unet"
)

// docsCommand is `unet docs`: reference documentation generated from the
// command tree and the settings table, so it always matches the binary.
func (a *app) docsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "docs",
		Short: "Generate reference documentation (man pages, Markdown, configuration reference)",
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "man DIR",
			Short: "Write one man page (section 1) per command into DIR",
			Long: `Write a roff man page for every command (unet.1, unet-nodes-list.1, ...) into
DIR, which is created if needed. The pages carry the version of this binary and
a fixed date (SOURCE_DATE_EPOCH, else the commit time of the build, else
1970-01-01), so two runs of one binary write identical files. Read one with
man -l DIR/unet.1.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return a.writeManPages(cmd.Root(), args[0])
			},
		},
		&cobra.Command{
			Use:   "markdown DIR",
			Short: "Write one Markdown page per command into DIR",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				root := cmd.Root()
				root.DisableAutoGenTag = true
				if err := os.MkdirAll(args[0], 0o755); err != nil {
					return unet.Errorf(unet.EINVALID, "docs markdown: %v", err)
				}
				return doc.GenMarkdownTree(root, args[0])
			},
		},
		&cobra.Command{
			Use:   "config",
			Short: "Print the configuration file reference (Markdown) generated from the settings table",
			Long: `Print docs/configuration.md: every key of the TOML config file with its type,
default, flag, environment variable and meaning, generated from the settings
table the server and unet settings read.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				_, err := io.WriteString(a.env.Stdout, configReference())
				return err
			},
		},
	)
	return cmd
}

// writeManPages renders the man pages of root's tree into dir.
func (a *app) writeManPages(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return unet.Errorf(unet.EINVALID, "docs man: %v", err)
	}
	root.DisableAutoGenTag = true
	date := manDate(a.env.Getenv)
	header := &doc.GenManHeader{
		Title:   "UNET",
		Section: "1",
		Source:  "μNet " + Version,
		Manual:  "μNet Manual",
		Date:    &date,
	}
	return writeManTree(root, header, dir)
}

// writeManTree writes the page of c and of every available command below
// it, named like the command (unet-nodes-show.1). Pages are plain ASCII:
// other characters become roff escapes (\[u03BC]), which every man
// implementation renders whatever the locale.
func writeManTree(c *cobra.Command, header *doc.GenManHeader, dir string) error {
	if (!c.IsAvailableCommand() && c.HasParent()) || c.IsAdditionalHelpTopicCommand() {
		return nil
	}
	for _, sub := range c.Commands() {
		if err := writeManTree(sub, header, dir); err != nil {
			return err
		}
	}
	h := *header
	var page bytes.Buffer
	if err := doc.GenMan(c, &h, &page); err != nil {
		return err
	}
	name := strings.ReplaceAll(c.CommandPath(), " ", "-") + "." + header.Section
	if err := os.WriteFile(filepath.Join(dir, name), []byte(roffASCII(page.String())), 0o644); err != nil {
		return unet.Errorf(unet.EINVALID, "docs man: %v", err)
	}
	return nil
}

// roffASCII replaces every non-ASCII character of a roff page by its
// \[uXXXX] escape.
func roffASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, "\\[u%04X]", r)
	}
	return b.String()
}

// manDate is the date printed in the man pages: SOURCE_DATE_EPOCH when set
// (reproducible builds), else the commit time recorded in the build, else the
// Unix epoch — never the time of the run, so the output is reproducible.
func manDate(getenv func(string) string) time.Time {
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	// The stamped date of a release build, else the commit time Go recorded.
	if t, err := time.Parse(time.RFC3339, currentBuild().Date); err == nil {
		return t.UTC()
	}
	return time.Unix(0, 0).UTC()
}
