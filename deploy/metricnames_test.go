package deploy

import (
	"regexp"
	"sort"
	"strings"
)

// metricKind tells which series names a metric family exposes.
type metricKind int

const (
	counter metricKind = iota
	gauge
	histogram
	summary
)

// exported is the list of metric families μNet exports, with their labels
// (besides the job and instance labels Prometheus adds). The alert rules
// and the dashboard may use these, the synthetic up series, and any go_ or
// process_ series of the client library's runtime and process collectors.
var exported = map[string]struct {
	kind   metricKind
	labels []string
}{
	"unet_build_info":                             {gauge, []string{"version", "commit", "goversion"}},
	"unet_http_requests_total":                    {counter, []string{"route", "method", "code"}},
	"unet_http_request_duration_seconds":          {histogram, []string{"route", "method"}},
	"unet_http_requests_in_flight":                {gauge, nil},
	"unet_db_transactions_total":                  {counter, []string{"outcome"}},
	"unet_db_transaction_duration_seconds":        {histogram, nil},
	"unet_policy_evaluations_total":               {counter, []string{"trigger", "outcome"}},
	"unet_policy_evaluation_duration_seconds":     {histogram, nil},
	"unet_policy_results":                         {gauge, []string{"status", "severity"}},
	"unet_policy_rule_failing_objects":            {gauge, []string{"rule", "severity"}},
	"unet_snmp_polls_total":                       {counter, []string{"outcome"}},
	"unet_snmp_poll_duration_seconds":             {histogram, nil},
	"unet_snmp_last_success_age_seconds":          {summary, nil},
	"unet_snmp_nodes":                             {gauge, []string{"state"}},
	"unet_git_syncs_total":                        {counter, []string{"source", "outcome"}},
	"unet_git_active_commit_timestamp_seconds":    {gauge, []string{"source", "environment"}},
	"unet_git_last_sync_timestamp_seconds":        {gauge, []string{"source", "outcome"}},
	"unet_inventory_objects":                      {gauge, []string{"kind"}},
	"unet_change_sets":                            {gauge, []string{"state"}},
	"unet_emergency_changes_pending":              {gauge, nil},
	"unet_worker_last_progress_timestamp_seconds": {gauge, []string{"worker"}},
	"unet_worker_healthy":                         {gauge, []string{"worker"}},
}

// enumerated are the values of the labels that have a fixed set of values,
// by metric family and label.
var enumerated = map[string]map[string][]string{
	"unet_db_transactions_total":                  {"outcome": {"commit", "rollback", "error"}},
	"unet_policy_evaluations_total":               {"trigger": {"schedule", "change", "api", "cli"}, "outcome": {"ok", "error"}},
	"unet_policy_results":                         {"status": policyStatuses, "severity": policySeverities},
	"unet_policy_rule_failing_objects":            {"severity": policySeverities},
	"unet_snmp_polls_total":                       {"outcome": {"ok", "timeout", "auth", "error"}},
	"unet_snmp_nodes":                             {"state": {"reachable", "unreachable", "never_polled"}},
	"unet_git_syncs_total":                        {"outcome": {"activated", "unchanged", "rejected", "error"}},
	"unet_git_last_sync_timestamp_seconds":        {"outcome": {"success", "failure"}},
	"unet_inventory_objects":                      {"kind": {"node", "link", "location", "vendor"}},
	"unet_worker_last_progress_timestamp_seconds": {"worker": workers},
	"unet_worker_healthy":                         {"worker": workers},
}

var (
	policyStatuses   = []string{"pass", "fail", "error", "not_applicable"}
	policySeverities = []string{"info", "low", "medium", "high", "critical"}
	workers          = []string{"policy_scheduler", "snmp_scheduler", "git_syncer", "outbox"}
)

// enumValues returns the values a label of a series takes, nil when any
// value may occur.
func enumValues(series, label string) []string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(series, suffix); ok {
			if _, known := exported[base]; known {
				series = base
			}
		}
	}
	return enumerated[series][label]
}

// targetLabels are the labels Prometheus attaches to every scraped series.
var targetLabels = []string{"job", "instance"}

// seriesLabels returns the labels a series name may be selected by, and
// whether μNet (or Prometheus, or the client library collectors) exports
// that series name at all. The labels of go_ and process_ series are not
// checked (nil, true).
func seriesLabels(name string) ([]string, bool) {
	if name == "up" {
		return targetLabels, true
	}
	if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
		return nil, true
	}
	if m, ok := exported[name]; ok {
		switch m.kind {
		case histogram:
			return nil, false // only _bucket, _sum and _count exist
		case summary:
			return append(append([]string{"quantile"}, targetLabels...), m.labels...), true
		}
		return append(append([]string{}, targetLabels...), m.labels...), true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, found := strings.CutSuffix(name, suffix)
		if !found {
			continue
		}
		m, ok := exported[base]
		if !ok || (m.kind != histogram && m.kind != summary) || (m.kind == summary && suffix == "_bucket") {
			return nil, false
		}
		labels := append(append([]string{}, targetLabels...), m.labels...)
		if suffix == "_bucket" {
			labels = append(labels, "le")
		}
		return labels, true
	}
	return nil, false
}

var (
	stringLiteral = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")
	selector      = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}`)
	matcherLabel  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*("[ ]*"|'[ ]*'|` + "`[ ]*`" + `)?`)
	alternatives  = regexp.MustCompile(`^[a-zA-Z0-9_]+(?:\|[a-zA-Z0-9_]+)*$`)
	matcherName   = regexp.MustCompile(`__name__\s*(?:=~|!~|!=|=)`)
	braces        = regexp.MustCompile(`\{[^}]*\}`)
	emptyString   = regexp.MustCompile(`"[ ]*"|'[ ]*'|` + "`[ ]*`")
	rangeOrSub    = regexp.MustCompile(`\[[^\]]*\]`)
	grouping      = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	offsetOrAt    = regexp.MustCompile(`\b(?:offset\s+-?[0-9a-z]+|@\s*[0-9a-z.()]+)`)
	identifier    = regexp.MustCompile(`(^|[^a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*)`)
)

// keywords are the PromQL words that are neither metrics nor functions.
var keywords = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "by": true, "without": true,
	"on": true, "ignoring": true, "group_left": true, "group_right": true, "offset": true,
	"atan2": true, "inf": true, "nan": true,
}

// selectorUse is one metric name an expression selects, with its
// matchers.
type selectorUse struct {
	name     string
	matchers []matcher
}

// matcher is one label matcher: the label name and the quoted value
// without its quotes.
type matcher struct {
	label, value string
}

// selectors lists the series an expression selects: every metric name,
// with the label names its matchers use. A selector without a metric name
// (only {…}) or one using __name__ is reported with an empty name.
func selectors(expr string) []selectorUse {
	var uses []selectorUse
	// Mask string contents so that braces, brackets and words inside label
	// values do not count; keep the quotes so matchers stay recognisable.
	masked := stringLiteral.ReplaceAllStringFunc(expr, func(s string) string {
		return s[:1] + strings.Repeat(" ", len(s)-2) + s[len(s)-1:]
	})
	if matcherName.MatchString(masked) {
		uses = append(uses, selectorUse{})
	}
	withMatchers := map[int]bool{}
	for _, m := range selector.FindAllStringSubmatchIndex(masked, -1) {
		var matchers []matcher
		for _, l := range matcherLabel.FindAllStringSubmatchIndex(masked[m[4]:m[5]], -1) {
			mt := matcher{label: masked[m[4]+l[2] : m[4]+l[3]]}
			if l[4] >= 0 {
				mt.value = expr[m[4]+l[4]+1 : m[4]+l[5]-1]
			}
			matchers = append(matchers, mt)
		}
		name := ""
		if m[2] >= 0 {
			name = masked[m[2]:m[3]]
			withMatchers[m[2]] = true
		}
		if name == "" || keywords[name] {
			// {…} after a keyword (e.g. "or {job=…}") has no metric name.
			uses = append(uses, selectorUse{matchers: matchers})
			continue
		}
		uses = append(uses, selectorUse{name: name, matchers: matchers})
	}
	// Bare metric names: blank out matchers, ranges, grouping clauses,
	// offsets; what is left that is not a function call or keyword is a
	// metric name.
	blank := func(re *regexp.Regexp, s string) string {
		return re.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat(" ", len(m)) })
	}
	rest := blank(braces, masked)
	rest = blank(rangeOrSub, rest)
	rest = blank(grouping, rest)
	rest = blank(offsetOrAt, rest)
	rest = blank(emptyString, rest)
	for _, m := range identifier.FindAllStringSubmatchIndex(rest, -1) {
		isCall := strings.HasPrefix(strings.TrimLeft(rest[m[5]:], " \t\n"), "(")
		if isCall || withMatchers[m[4]] || keywords[strings.ToLower(rest[m[4]:m[5]])] {
			continue
		}
		uses = append(uses, selectorUse{name: rest[m[4]:m[5]]})
	}
	return uses
}

// metricNames lists the distinct metric names of an expression, sorted.
func metricNames(expr string) []string {
	seen := map[string]bool{}
	var names []string
	for _, u := range selectors(expr) {
		if u.name != "" && !seen[u.name] {
			seen[u.name] = true
			names = append(names, u.name)
		}
	}
	sort.Strings(names)
	return names
}

// unknownUses reports every selector of expr that names a series μNet does
// not export, selects without a metric name, or matches on a label the
// series does not have.
func unknownUses(expr string) []string {
	var problems []string
	for _, u := range selectors(expr) {
		if u.name == "" {
			problems = append(problems, "a selector without a metric name")
			continue
		}
		labels, ok := seriesLabels(u.name)
		if !ok {
			problems = append(problems, "metric "+u.name+" is not exported by μNet")
			continue
		}
		if labels == nil {
			continue
		}
		for _, mt := range u.matchers {
			if !contains(labels, mt.label) {
				problems = append(problems, "metric "+u.name+" has no label "+mt.label)
				continue
			}
			known := enumValues(u.name, mt.label)
			if known == nil || !alternatives.MatchString(mt.value) {
				continue
			}
			for _, v := range strings.Split(mt.value, "|") {
				if !contains(known, v) {
					problems = append(problems, "metric "+u.name+" has no "+mt.label+"=\""+v+"\"")
				}
			}
		}
	}
	return problems
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
