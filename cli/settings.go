package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// settingsCommand is `unet settings`: the config file tooling.
func (a *app) settingsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "Create, check and show the TOML config file (settings of the server and of local commands)",
		Long: `The config file (--config or UNET_CONFIG) holds the settings of unet serve and
of local commands. Precedence: defaults < config file < environment (UNET_*)
< flags. docs/configuration.md lists every key (unet docs config).`,
	}
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented config file with every setting at its default",
		Long: `Write a TOML config file documenting every setting. Settings with a fixed default
are written with it; the others (computed or off unless set) are commented out
with an example. Without FILE the file goes to standard output. An existing
FILE is left alone unless --force.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text := configTemplate()
			if len(args) == 0 {
				_, err := fmt.Fprint(a.env.Stdout, text)
				return err
			}
			return writeNewFile(args[0], text, force)
		},
	}
	initCmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	validateCmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a config file: unknown keys, wrong types and invalid values, with line and column",
		Long: `Parse the config file strictly (FILE, else --config or UNET_CONFIG) and check its
values the way unet serve would, without starting anything or reading any
secret. Every problem is reported as FILE:LINE:COLUMN: KEY: message; the
exit code is 66 when the file is not valid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := a.configPath()
			if len(args) == 1 {
				path = args[0]
			}
			if path == "" {
				return usagef("settings validate needs a FILE (or --config, or UNET_CONFIG)")
			}
			if err := validateConfigFile(path); err != nil {
				return err
			}
			return a.printer().emit(map[string]any{"file": path, "valid": true}, func() any {
				return path + ": valid\n"
			})
		},
	}
	showCmd := &cobra.Command{
		Use:   "show",
		Short: "Print the effective settings and where each comes from (default, file, env, flag); secrets redacted",
		Long: `Print every setting with its effective value and its source: the default, the
config file (--config or UNET_CONFIG), an environment variable or a global
flag (--db, --secrets-key, --token-pepper, --db-max-conns...). Flags of unet
serve itself are not seen here. Secret references, key material and the
password of a database URL are redacted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rows, err := a.effectiveSettings(cmd)
			if err != nil {
				return err
			}
			return a.printer().emit(rows, func() any {
				t := table{header: []string{"KEY", "VALUE", "SOURCE"}}
				for _, r := range rows {
					t.rows = append(t.rows, []string{r.Key, dash(r.Value), r.Source})
				}
				return t
			})
		},
	}
	cmd.AddCommand(initCmd, validateCmd, showCmd)
	return cmd
}

// writeNewFile writes text to path, refusing to replace a file unless force;
// the file appears whole or not at all.
func writeNewFile(path, text string, force bool) error {
	if _, err := os.Lstat(path); err == nil && !force {
		return unet.Errorf(unet.ECONFLICT, "%s exists; give --force to overwrite it", path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return unet.Errorf(unet.EINVALID, "%v", err)
	}
	tmp, err := os.CreateTemp(dirOf(path), ".unet-settings-*")
	if err != nil {
		return unet.Errorf(unet.EINVALID, "%v", err)
	}
	_, werr := tmp.WriteString(text)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		// The file may name secret references: readable by its owner only.
		werr = os.Chmod(tmp.Name(), 0o600)
	}
	if werr == nil && force {
		werr = os.Rename(tmp.Name(), path)
	} else if werr == nil {
		// A hard link never replaces a file created meanwhile.
		werr = os.Link(tmp.Name(), path)
		if errors.Is(werr, fs.ErrExist) {
			_ = os.Remove(tmp.Name())
			return unet.Errorf(unet.ECONFLICT, "%s exists; give --force to overwrite it", path)
		}
		if werr == nil {
			werr = os.Remove(tmp.Name())
		}
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return unet.Errorf(unet.EINVALID, "write %s: %v", path, werr)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i+1]
	}
	return "."
}

// validateConfigFile decodes path strictly and checks its values.
func validateConfigFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return unet.Errorf(unet.EINVALID, "config file: %v", err)
	}
	cfg, err := decodeConfig(path, data)
	if err != nil {
		return err
	}
	return checkConfigValues(path, data, cfg)
}

// settingRow is one line of `unet settings show`.
type settingRow struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// redacted replaces secret values in `settings show`.
const redacted = "(redacted)"

// effectiveSettings resolves every setting: default < file < env < flag.
func (a *app) effectiveSettings(cmd *cobra.Command) ([]settingRow, error) {
	path := a.configPath()
	set := map[string]any{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "config file: %v", err)
		}
		if _, err := decodeConfig(path, data); err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := toml.Unmarshal(data, &doc); err != nil {
			return nil, unet.Errorf(unet.EINVALID, "config file %s: %v", path, err)
		}
		flattenTOML("", doc, set)
	}
	rows := make([]settingRow, 0, len(settings))
	for _, s := range settings {
		var r settingRow
		r.Key = s.Key
		fileVal, inFile := set[s.Key]
		switch {
		case s.Flag != "" && cmd.Flags().Changed(s.Flag):
			r.Value, r.Source = cmd.Flags().Lookup(s.Flag).Value.String(), "flag --"+s.Flag
		case s.Env != "" && a.env.Getenv(s.Env) != "":
			r.Value, r.Source = a.env.Getenv(s.Env), "env "+s.Env
		case inFile:
			r.Value, r.Source = displayValue(fileVal), "file "+path
		case s.Deprecated != "":
			continue
		case s.Default != nil:
			r.Value, r.Source = displayValue(s.Default), "default"
		default:
			r.Value, r.Source = "", "default: "+s.DefaultText
		}
		if s.Secret && r.Value != "" && r.Source != "default" {
			if s.Key == "database.url" {
				r.Value = sqlstore.RedactURL(r.Value)
			} else {
				r.Value = redacted
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}
