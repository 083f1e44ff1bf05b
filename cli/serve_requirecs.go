package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
)

// everyEnvironment is the value of a bare --require-change-sets.
const everyEnvironment = "*"

var requireEnvRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// requireCSFlag is --require-change-sets [ENV,...]: given bare it covers
// every environment.
type requireCSFlag struct {
	set  bool
	envs []string // empty: every environment
}

func (f *requireCSFlag) String() string {
	if !f.set {
		return ""
	}
	if len(f.envs) == 0 {
		return everyEnvironment
	}
	return strings.Join(f.envs, ",")
}

func (f *requireCSFlag) Type() string { return "ENV,..." }

func (f *requireCSFlag) Set(v string) error {
	envs, err := parseRequireEnvs(splitList(v))
	if err != nil {
		return err
	}
	f.set = true
	f.envs = append(f.envs, envs...)
	return nil
}

// bare reports whether the flag was given without environments.
func (f *requireCSFlag) bare() bool { return f.set && len(f.envs) == 0 }

// parseRequireEnvs checks environment names; "*" (or nothing) means every
// environment.
func parseRequireEnvs(list []string) ([]string, error) {
	out := []string{}
	for _, e := range list {
		e = strings.TrimSpace(e)
		switch {
		case e == "" || e == everyEnvironment:
		case !requireEnvRE.MatchString(e) || len(e) > unet.MaxKeyLen:
			return nil, fmt.Errorf("%q is not an environment name (lowercase letters, digits, '_' and '-')", e)
		default:
			out = append(out, e)
		}
	}
	return out, nil
}

// registerRequireCS adds --require-change-sets to serve. A bare flag may be
// followed by the environments as an argument (`--require-change-sets
// production`), so serve takes that one argument only after it.
func registerRequireCS(cmd *cobra.Command, f *requireCSFlag) {
	fl := cmd.Flags()
	fl.Var(f, "require-change-sets", "refuse direct writes (not through a change set, not --emergency) to the objects of these environments, comma-separated; bare: every environment (config require_change_sets in [server])")
	fl.Lookup("require-change-sets").NoOptDefVal = everyEnvironment
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 && f.bare() {
			return f.Set(args[0])
		}
		return cobra.NoArgs(cmd, args)
	}
}

// requireChangeSets resolves the setting from the flag and the config
// file: nil when off, an empty list for every environment.
func requireChangeSets(f *requireCSFlag, conf any) ([]string, error) {
	if f.set {
		return append([]string{}, f.envs...), nil
	}
	switch v := conf.(type) {
	case nil:
		return nil, nil
	case bool:
		if v {
			return []string{}, nil
		}
		return nil, nil
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, nil
		}
		envs, err := parseRequireEnvs(splitList(v))
		if err != nil {
			return nil, usagef("config require_change_sets: %v", err)
		}
		return envs, nil
	case []any:
		if len(v) == 0 {
			return nil, nil
		}
		list := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, usagef("config require_change_sets: want true or a list of environment names, not %v", x)
			}
			list = append(list, s)
		}
		envs, err := parseRequireEnvs(list)
		if err != nil {
			return nil, usagef("config require_change_sets: %v", err)
		}
		return envs, nil
	}
	return nil, usagef("config require_change_sets: want true or a list of environment names, not %v", conf)
}

// describeEnvs names the environments of the setting for the log.
func describeEnvs(envs []string) string {
	if len(envs) == 0 {
		return "every environment"
	}
	return strings.Join(envs, ",")
}
