package remediation

// MatchRule matches one level of a statement path: a statement matches when
// every non-empty field matches its key (the statement text without
// indentation). A list field matches when any of its entries does.
type MatchRule struct {
	Equals     []string `toml:"equals,omitempty" json:"equals,omitempty"`
	StartsWith []string `toml:"startswith,omitempty" json:"startswith,omitempty"`
	EndsWith   []string `toml:"endswith,omitempty" json:"endswith,omitempty"`
	Contains   []string `toml:"contains,omitempty" json:"contains,omitempty"`
	// Regex is searched (not anchored) in the key, as Go regexp syntax.
	Regex string `toml:"regex,omitempty" json:"regex,omitempty"`
}

// Path is a list of level rules, outermost first: it selects statements at
// depth len(Path)-1 whose ancestors match the earlier levels.
type Path []MatchRule

// NegateWith negates matching statements with a fixed command (for example
// "logging console debugging" rather than "no logging console 7").
type NegateWith struct {
	Match Path   `toml:"match" json:"match"`
	Use   string `toml:"use" json:"use"`
}

// NegateSub negates matching statements by a regular-expression
// substitution of their negated form: Regex is applied to the negation
// prefix followed by the statement ("no switchport trunk allowed vlan 10,20"),
// every match replaced by Replace ($1 refers to a group): the command whose
// negation is a different command.
type NegateSub struct {
	Match   Path   `toml:"match" json:"match"`
	Regex   string `toml:"regex" json:"regex"`
	Replace string `toml:"replace" json:"replace"`
}

// Idempotent marks commands that replace an earlier value without being
// negated first (descriptions, hostnames, IP addresses...). Two commands
// under one parent are the same setting when their keys are equal: the key
// is the first submatch of KeyRegex (or the whole match when it has no
// group); with no KeyRegex, every matching statement under a parent is one
// setting.
type Idempotent struct {
	Match    Path   `toml:"match" json:"match"`
	KeyRegex string `toml:"key,omitempty" json:"key,omitempty"`
}

// Ordered marks order-sensitive sections (ACLs, prefix lists, route
// maps). Mode "sequence": the children carry sequence numbers (the first
// submatch of Sequence) and a changed entry is removed and re-added by its
// number; mode "rewrite": the section is negated and written again whole
// when its children differ in content or order.
//
// In sequence mode, children that match Number but carry no sequence number
// are numbered Start, Start+Step, ... in order (10, 20, ... by default), as
// the platform does when such entries are typed.
type Ordered struct {
	Match    Path   `toml:"match" json:"match"`
	Mode     string `toml:"mode" json:"mode"`
	Sequence string `toml:"sequence,omitempty" json:"sequence,omitempty"`
	// Number selects the children that are numbered when they have no
	// sequence number (empty: none are).
	Number MatchRule `toml:"number,omitempty" json:"number,omitempty"`
	// Start and Step of implicit numbering (default 10 and 10).
	Start int `toml:"start,omitempty" json:"start,omitempty"`
	Step  int `toml:"step,omitempty" json:"step,omitempty"`
	// Group, in rewrite mode, makes the list out of sibling statements
	// rather than children: Match selects the statements (IOS numbered ACL
	// lines "access-list 10 permit ..."), the first submatch of Group names
	// their list ("access-list 10"), and a list that differs in content or
	// order is negated by its name ("no access-list 10") and written again.
	Group string `toml:"group,omitempty" json:"group,omitempty"`
}

// SectionalExit is the command that leaves a section ("exit-address-family")
// in text output; ParentLevel prints it at the parent's indentation.
type SectionalExit struct {
	Match       Path   `toml:"match" json:"match"`
	Exit        string `toml:"exit" json:"exit"`
	ParentLevel bool   `toml:"parent_level,omitempty" json:"parent_level,omitempty"`
}

// Weight orders commands among their siblings: lower weights first, then
// the remediation's own order (removals before additions). The default is
// 500; a negation that must come before what it references gets a lower
// weight, say.
type Weight struct {
	Match  Path `toml:"match" json:"match"`
	Weight int  `toml:"weight" json:"weight"`
}

// Substitute rewrites every input line matching Regex (Go regexp) with
// Replace before parsing; a line that becomes empty is dropped.
type Substitute struct {
	Regex   string `toml:"regex" json:"regex"`
	Replace string `toml:"replace" json:"replace"`
}

// Rules is one dialect's remediation behaviour, read from a TOML table.
// Every rule list is optional.
type Rules struct {
	// Dialect is the configtree dialect the table is for.
	Dialect string `toml:"dialect" json:"dialect"`
	// Indent is the number of spaces per level in text output.
	Indent int `toml:"indent" json:"indent"`
	// Negation is the prefix that negates a command ("no ", or "delete "
	// for JunOS set commands, where "set " is replaced).
	Negation string `toml:"negation" json:"negation"`
	// Declaration is the prefix of a positive command that the negation
	// replaces ("set " for JunOS; empty elsewhere).
	Declaration string `toml:"declaration,omitempty" json:"declaration,omitempty"`
	// Exit is the sectional exit printed after a section that no
	// SectionalExit rule matches, when exits are asked for ("exit" when
	// empty).
	Exit string `toml:"exit,omitempty" json:"exit,omitempty"`
	// Substitute rewrites or drops input lines (banners of show output,
	// "end", comments...).
	Substitute []Substitute `toml:"substitute,omitempty" json:"substitute,omitempty"`
	// NegateDefault lists statements negated with "default X".
	NegateDefault []Path `toml:"negate_default,omitempty" json:"negate_default,omitempty"`
	// NegateWith lists statements negated with a fixed command.
	NegateWith []NegateWith `toml:"negate_with,omitempty" json:"negate_with,omitempty"`
	// NegateSub lists statements negated by substitution.
	NegateSub []NegateSub `toml:"negate_sub,omitempty" json:"negate_sub,omitempty"`
	// Idempotent lists commands that replace an old value in place.
	Idempotent []Idempotent `toml:"idempotent,omitempty" json:"idempotent,omitempty"`
	// IdempotentAvoid lists commands that are never treated as idempotent
	// even when an Idempotent rule matches them.
	IdempotentAvoid []Path `toml:"idempotent_avoid,omitempty" json:"idempotent_avoid,omitempty"`
	// Toggle lists settings whose two forms, X and "no X", are both shown
	// in the configuration ("shutdown" and "no shutdown" on NX-OS): typing
	// one form replaces the other. Any other command typed over its
	// negated form removes the stored line and stores nothing (the
	// default, which the device does not show: "ip redirects" over "no ip
	// redirects"), and a negation removes what it negates. Used by Predict.
	Toggle []Path `toml:"toggle,omitempty" json:"toggle,omitempty"`
	// Hidden lists the forms of toggles that the device does not show
	// because they are the default ("no shutdown" on IOS): typing one
	// removes the other form and stores nothing, and Equivalent ignores
	// them in either configuration.
	Hidden []Path `toml:"hidden,omitempty" json:"hidden,omitempty"`
	// Ordered lists the order-sensitive sections.
	Ordered []Ordered `toml:"ordered,omitempty" json:"ordered,omitempty"`
	// Overwrite lists sections rewritten whole (negated, then written
	// again) when they differ; OverwriteNoNegate rewrites without the
	// negation.
	Overwrite         []Path `toml:"overwrite,omitempty" json:"overwrite,omitempty"`
	OverwriteNoNegate []Path `toml:"overwrite_no_negate,omitempty" json:"overwrite_no_negate,omitempty"`
	// SectionalExit lists the commands that leave sections in text output.
	SectionalExit []SectionalExit `toml:"sectional_exit,omitempty" json:"sectional_exit,omitempty"`
	// Weight orders commands among their siblings.
	Weight []Weight `toml:"weight,omitempty" json:"weight,omitempty"`
	// DuplicateChildren lists sections whose children may repeat.
	DuplicateChildren []Path `toml:"duplicate_children,omitempty" json:"duplicate_children,omitempty"`

	compiled *compiledRules
}
