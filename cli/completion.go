package cli

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/inventoryfile"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/snmp"
	"github.com/unet-dev/unet/sqlstore"
)

// Shell completion (unet completion bash|zsh|fish|powershell, cobra's) is
// extended here: object names are fetched from the database or server the
// command would use, enumerated flag values come from the code's own lists.

const (
	// completionLimit bounds the candidates offered for one word.
	completionLimit = 200
	// completionTimeout bounds the fetch of names: a shell waits for it.
	completionTimeout = 3 * time.Second
	// completionFetch is how many objects one fetch reads.
	completionFetch = 1000
)

// nameLister reads the names of one kind of object.
type nameLister func(ctx context.Context, svc unet.Service) ([]string, error)

func nodeNames(ctx context.Context, svc unet.Service) ([]string, error) {
	l, err := svc.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: completionFetch}})
	if err != nil {
		return nil, err
	}
	return completionNames(l.Items, func(n unet.Node) string { return n.Name }), nil
}

func linkNames(ctx context.Context, svc unet.Service) ([]string, error) {
	l, err := svc.ListLinks(ctx, unet.LinkFilter{Page: unet.Page{Limit: completionFetch}})
	if err != nil {
		return nil, err
	}
	return completionNames(l.Items, func(v unet.Link) string { return v.Name }), nil
}

func locationPaths(ctx context.Context, svc unet.Service) ([]string, error) {
	l, err := svc.ListLocations(ctx, unet.LocationFilter{Page: unet.Page{Limit: completionFetch}})
	if err != nil {
		return nil, err
	}
	return completionNames(l.Items, func(v unet.Location) string { return v.Path }), nil
}

func changeSetIDs(ctx context.Context, svc unet.Service) ([]string, error) {
	l, err := svc.ListChangeSets(ctx, unet.ChangeSetFilter{Page: unet.Page{Limit: completionFetch}})
	if err != nil {
		return nil, err
	}
	return completionNames(l.Items, func(v unet.ChangeSet) string { return v.ID }), nil
}

// listNames adapts a List method that returns every object.
func listNames[T any](list func(unet.Service, context.Context) ([]T, error), name func(T) string) nameLister {
	return func(ctx context.Context, svc unet.Service) ([]string, error) {
		items, err := list(svc, ctx)
		if err != nil {
			return nil, err
		}
		return completionNames(items, name), nil
	}
}

var (
	sourceNames       = listNames(unet.Service.ListGitSources, func(v unet.GitSource) string { return v.Name })
	subscriptionNames = listNames(unet.Service.ListSubscriptions, func(v unet.Subscription) string { return v.Name })
	userNames         = listNames(unet.Service.ListUsers, func(v unet.User) string { return v.Name })
	roleNames         = listNames(unet.Service.ListRoles, func(v unet.Role) string { return v.Name })
	vendorNames       = listNames(unet.Service.ListVendors, func(v unet.Vendor) string { return v.Name })
	profileNames      = listNames(unet.Service.ListSNMPProfiles, func(v unet.SNMPProfile) string { return v.Name })
	secretNames       = listNames(unet.Service.ListSecrets, func(v unet.SecretInfo) string { return v.Name })
	approvalNames     = listNames(unet.Service.ListApprovalRules, func(v unet.ApprovalRule) string { return v.Name })
	canaryNames       = listNames(func(svc unet.Service, ctx context.Context) ([]unet.Canary, error) {
		return svc.ListCanaries(ctx, false)
	}, func(v unet.Canary) string { return v.Name })
)

func completionNames[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		if n := name(it); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// argNames lists, per command (its path without "unet "), what each
// positional argument names.
var argNames = map[string][]nameLister{
	"nodes show": {nodeNames}, "nodes update": {nodeNames}, "nodes delete": {nodeNames},
	"nodes history": {nodeNames}, "nodes interfaces": {nodeNames}, "nodes status": {nodeNames},
	"links show": {linkNames}, "links update": {linkNames}, "links delete": {linkNames},
	"locations show": {locationPaths}, "locations update": {locationPaths}, "locations delete": {locationPaths},
	"snmp poll": {nodeNames}, "template render": {nodeNames}, "template diff": {nodeNames},
	"snmp profile show": {profileNames}, "snmp profile delete": {profileNames},
	"git sources show": {sourceNames}, "git sources remove": {sourceNames}, "git sync": {sourceNames},
	"git status": {sourceNames}, "git log": {sourceNames}, "git pin": {sourceNames}, "git unpin": {sourceNames},
	"git promote": {sourceNames}, "git export": {sourceNames},
	"notify show": {subscriptionNames}, "notify remove": {subscriptionNames}, "notify test": {subscriptionNames},
	"notify deliveries": {subscriptionNames}, "notify redeliver": {subscriptionNames},
	"canary status": {canaryNames}, "canary promote": {canaryNames}, "canary abort": {canaryNames},
	"changes show": {changeSetIDs}, "changes diff": {changeSetIDs}, "changes append": {changeSetIDs},
	"changes submit": {changeSetIDs}, "changes approve": {changeSetIDs}, "changes reject": {changeSetIDs},
	"changes apply": {changeSetIDs}, "changes abandon": {changeSetIDs}, "changes rebase": {changeSetIDs},
	"users show": {userNames}, "users remove": {userNames}, "users enable": {userNames}, "users disable": {userNames},
	"users passwd": {userNames}, "users grant": {userNames, roleNames}, "users revoke": {userNames, roleNames},
	"roles show": {roleNames}, "roles remove": {roleNames},
	"secrets remove": {secretNames}, "approvals remove": {approvalNames},
}

// flagNames lists the flags that name objects: "PATH --flag" for one
// command, "--flag" for every command with that flag.
var flagNames = map[string]nameLister{
	"--node":               nodeNames,
	"--location":           locationPaths,
	"--parent":             locationPaths,
	"--vendor":             vendorNames,
	"--snmp-profile":       profileNames,
	"--source":             sourceNames,
	"--changeset":          changeSetIDs,
	"snmp poll --profile":  profileNames,
	"tokens create --user": userNames,
	"tokens list --user":   userNames,
	"users add --role":     roleNames,
	"approvals add --role": roleNames,
}

// Values of the enumerated settings that unet serve and the settings table
// share.
var (
	authModes  = []string{"none", "local", "oidc"}
	logFormats = []string{"text", "json"}
	logLevels  = []string{"debug", "info", "warn", "error"}
	syncModes  = []string{sqlstore.SyncFull, sqlstore.SyncNormal}
)

// flagValues lists the enumerated flag values, keyed like flagNames.
func flagValues() map[string][]string {
	sev := []string{string(policy.SeverityInfo), string(policy.SeverityLow), string(policy.SeverityMedium),
		string(policy.SeverityHigh), string(policy.SeverityCritical)}
	status := []string{string(policy.StatusPass), string(policy.StatusFail), string(policy.StatusError), string(policy.StatusNotApplicable)}
	return map[string][]string{
		"git sources add --kind":      {unet.GitKindPolicies, unet.GitKindTemplates, unet.GitKindBoth},
		"notify add --format":         {unet.FormatStandard, unet.FormatSlack},
		"notify deliveries --outcome": {unet.DeliveryDelivered, unet.DeliveryFailed, unet.DeliveryDead, unet.DeliveryTest},
		"snmp profile add --auth-proto": {string(snmp.AuthMD5), string(snmp.AuthSHA), string(snmp.AuthSHA224),
			string(snmp.AuthSHA256), string(snmp.AuthSHA384), string(snmp.AuthSHA512)},
		"snmp profile add --priv-proto": {string(snmp.PrivDES), string(snmp.PrivAES), string(snmp.PrivAES192), string(snmp.PrivAES256)},
		"--output":                      outputFormats,
		"--device-type":                 unet.DeviceTypes,
		"--platform":                    unet.Platforms,
		"--lifecycle":                   unet.Lifecycles(),
		"--state":                       unet.ChangeSetStates(),
		"--severity":                    sev,
		"policy results --status":       status,
		"nodes list --compliance":       unet.NodeCompliances,
		"nodes list --sort":             unet.NodeSortOrders(),
		"links add --role":              unet.LinkRoles,
		"links list --role":             unet.LinkRoles,
		"links update --role":           unet.LinkRoles,
		"locations add --type":          unet.LocationTypes,
		"locations list --type":         unet.LocationTypes,
		"locations update --type":       unet.LocationTypes,
		"events --type":                 unet.EventTypes(),
		"notify add --events":           unet.EventTypes(),
		"export --format":               inventoryfile.Formats,
		"config diff --dialect":         configtree.Dialects(),
		"config parse --dialect":        configtree.Dialects(),
		"config slice --dialect":        configtree.Dialects(),
		"config remediate --dialect":    configtree.Dialects(),
		"config predict --dialect":      configtree.Dialects(),
		"serve --auth":                  authModes,
		"serve --log-format":            logFormats,
		"serve --sqlite-sync":           syncModes,
	}
}

// registerCompletions attaches the completion functions to root's tree.
func (a *app) registerCompletions(root *cobra.Command) {
	values := flagValues()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		if kinds, ok := argNames[path]; ok && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = a.completeArgs(kinds)
		}
		flags := c.LocalNonPersistentFlags()
		if c == root {
			flags = c.PersistentFlags()
		}
		for _, name := range flagNamesOf(flags) {
			if _, done := c.GetFlagCompletionFunc(name); done {
				continue
			}
			var fn cobra.CompletionFunc
			if vals, ok := lookupFlag(values, path, name); ok {
				fn = completeValues(vals)
			} else if kind, ok := lookupFlag(flagNames, path, name); ok && kind != nil {
				fn = a.completeFlagNames(kind)
			}
			if fn != nil {
				// The flag is the command's own: registering cannot fail.
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// lookupFlag finds the entry of a flag: for its command first, then for
// every command.
func lookupFlag[V any](m map[string]V, path, flag string) (V, bool) {
	if v, ok := m[path+" --"+flag]; ok {
		return v, true
	}
	v, ok := m["--"+flag]
	return v, ok
}

// completeValues offers vals filtered by the word's prefix (for a
// comma-separated list, by the prefix of its last element).
func completeValues(vals []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, word string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return filterCompletions(vals, word), cobra.ShellCompDirectiveNoFileComp
	}
}

func (a *app) completeArgs(kinds []nameLister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, word string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= len(kinds) || kinds[len(args)] == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return filterCompletions(a.fetchNames(cmd, kinds[len(args)]), word), cobra.ShellCompDirectiveNoFileComp
	}
}

func (a *app) completeFlagNames(kind nameLister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, word string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return filterCompletions(a.fetchNames(cmd, kind), word), cobra.ShellCompDirectiveNoFileComp
	}
}

// fetchNames reads names through the backend the command would use (the
// --server, or the database), within completionTimeout. Any failure gives
// no names and prints nothing: a shell completion must not be noisy.
func (a *app) fetchNames(cmd *cobra.Command, kind nameLister) []string {
	if err := a.resolveGlobals(cmd); err != nil {
		return nil
	}
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, completionTimeout)
	defer cancel()
	svc, err := a.service(ctx)
	if err != nil {
		return nil
	}
	names, err := kind(ctx, svc)
	if err != nil {
		return nil
	}
	return names
}

// filterCompletions keeps the candidates that start with word, sorted,
// without duplicates, at most completionLimit.
func filterCompletions(vals []string, word string) []cobra.Completion {
	prefix := ""
	if i := strings.LastIndexByte(word, ','); i >= 0 {
		prefix, word = word[:i+1], word[i+1:]
	}
	var out []string
	for _, v := range vals {
		if strings.HasPrefix(v, word) {
			out = append(out, prefix+v)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > completionLimit {
		out = out[:completionLimit]
	}
	return out
}

func flagNamesOf(fs *pflag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}
