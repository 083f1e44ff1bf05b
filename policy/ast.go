package policy

// File is the syntax tree of one policy file.
type File struct {
	// Name is the file name used in positions and default rule ids.
	Name string
	// Source is the original text.
	Source string
	// FrontMatter is the optional YAML block at the top of the file.
	FrontMatter *FrontMatter
	// Rules in file order.
	Rules []*Rule
	// Comments in source order.
	Comments []Comment
}

// FrontMatter is the metadata block of a file, delimited by '---' lines.
type FrontMatter struct {
	Raw     string // text between the delimiters
	ID      string `yaml:"id"`
	Owner   string `yaml:"owner"`
	Summary string `yaml:"summary"`
	// Target is node, link or location: the default target of rules whose
	// fields do not decide it.
	Target string `yaml:"target"`
	End    int    // byte offset just after the closing delimiter line
}

// Rule is one WHEN ... THEN ... statement with its optional header.
type Rule struct {
	Pos Pos // first token of the rule
	End int // byte offset just after the last token
	// Name is the RULE "name" of the header, empty when absent.
	Name    string
	NamePos Pos
	// Severity is the lower-case severity, empty when absent.
	Severity    string
	SeverityPos Pos
	WhenPos     Pos
	When        Expr
	ThenPos     Pos
	Then        Action
	// Index is the 1-based position of the rule in its file.
	Index int
}

// Expr is a condition.
type Expr interface {
	exprPos() Pos
}

// Operand is a value-producing expression: a literal, list, field or call.
type Operand interface {
	operandPos() Pos
}

// LogicalOp is AND or OR.
type LogicalOp int

// Logical operators.
const (
	OpAnd LogicalOp = iota
	OpOr
)

func (o LogicalOp) String() string {
	if o == OpOr {
		return "OR"
	}
	return "AND"
}

// BinaryExpr is X AND Y or X OR Y.
type BinaryExpr struct {
	Op    LogicalOp
	OpPos Pos
	X, Y  Expr
}

// NotExpr is NOT X.
type NotExpr struct {
	NotPos Pos
	X      Expr
}

// ParenExpr is ( X ).
type ParenExpr struct {
	LParen Pos
	X      Expr
}

// CompareOp is a comparison operator.
type CompareOp int

// Comparison operators. OpIs and OpIsNot are the 'IS value' and
// 'IS NOT value' forms, equivalent to == and !=.
const (
	OpEq CompareOp = iota
	OpNeq
	OpLt
	OpLe
	OpGt
	OpGe
	OpContains
	OpMatches // MATCHES
	OpRegex   // =~
	OpNRegex  // !~
	OpIn
	OpNotIn
	OpIs
	OpIsNot
)

var compareOpText = [...]string{
	OpEq: "==", OpNeq: "!=", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=",
	OpContains: "CONTAINS", OpMatches: "MATCHES", OpRegex: "=~", OpNRegex: "!~",
	OpIn: "IN", OpNotIn: "NOT IN", OpIs: "IS", OpIsNot: "IS NOT",
}

func (o CompareOp) String() string { return compareOpText[o] }

// CompareExpr is X op Y.
type CompareExpr struct {
	Op    CompareOp
	OpPos Pos
	X, Y  Operand
}

// NullExpr is X IS NULL or X IS NOT NULL.
type NullExpr struct {
	X     Operand
	IsPos Pos
	Not   bool
}

// TruthExpr is a bare operand used as a condition; it holds when the
// operand is the boolean true.
type TruthExpr struct {
	X Operand
}

func (e *BinaryExpr) exprPos() Pos  { return e.X.exprPos() }
func (e *NotExpr) exprPos() Pos     { return e.NotPos }
func (e *ParenExpr) exprPos() Pos   { return e.LParen }
func (e *CompareExpr) exprPos() Pos { return e.X.operandPos() }
func (e *NullExpr) exprPos() Pos    { return e.X.operandPos() }
func (e *TruthExpr) exprPos() Pos   { return e.X.operandPos() }

// LiteralKind is the kind of a literal.
type LiteralKind int

// Literal kinds.
const (
	LitString LiteralKind = iota
	LitNumber
	LitBool
	LitNull
	LitRegex
)

// Literal is a constant value. Value is a string, float64, bool or nil;
// for regexes it is the pattern and Flags holds the flags.
type Literal struct {
	ValuePos Pos
	Kind     LiteralKind
	Value    any
	Raw      string // source text for numbers
	Flags    string // regex flags
}

// ListLit is [v, ...].
type ListLit struct {
	LBrack Pos
	Elems  []Operand
}

// FieldRef is a dotted field reference such as node.custom_data.ntp.
type FieldRef struct {
	FieldPos Pos
	Path     []string
}

// Call is a function call such as version(x).
type Call struct {
	NamePos Pos
	Name    string // lower case
	Args    []Operand
}

func (o *Literal) operandPos() Pos  { return o.ValuePos }
func (o *ListLit) operandPos() Pos  { return o.LBrack }
func (o *FieldRef) operandPos() Pos { return o.FieldPos }
func (o *Call) operandPos() Pos     { return o.NamePos }

// String returns the dotted path.
func (o *FieldRef) String() string {
	s := ""
	for i, p := range o.Path {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}

// Action is what a rule does when its condition holds.
type Action interface {
	actionPos() Pos
}

// AssertAction is ASSERT condition (including ASSERT field IS value).
type AssertAction struct {
	AssertPos Pos
	Cond      Expr
}

// SetAction is SET custom_data.path TO value.
type SetAction struct {
	SetPos Pos
	Field  *FieldRef
	Value  Operand
}

// ApplyAction is APPLY "template".
type ApplyAction struct {
	ApplyPos Pos
	Template string
}

// BlockAction is { action; action; ... }.
type BlockAction struct {
	LBrace  Pos
	Actions []Action
	RBrace  Pos
}

func (a *AssertAction) actionPos() Pos { return a.AssertPos }
func (a *SetAction) actionPos() Pos    { return a.SetPos }
func (a *ApplyAction) actionPos() Pos  { return a.ApplyPos }
func (a *BlockAction) actionPos() Pos  { return a.LBrace }
