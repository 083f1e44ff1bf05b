package jinja

// Pos is a position in a template source: 1-based line and column (the
// column counts code points).
type Pos struct {
	Line, Col int
}

// Node is any node of a parsed template.
type Node interface {
	Position() Pos
}

// Stmt is a node of a template body.
type Stmt interface {
	Node
	stmt()
}

// Expr is an expression.
type Expr interface {
	Node
	expr()
}

// Tree is a parsed template.
type Tree struct {
	Name string // template name as loaded
	Body []Stmt
}

// Statements.
type (
	// Text is literal template data (whitespace control already applied;
	// raw blocks become Text).
	Text struct {
		Pos  Pos
		Text string
	}
	// Output prints an expression: {{ X }}.
	Output struct {
		Pos Pos
		X   Expr
	}
	// If is {% if %}; an elif is an If alone in Else.
	If struct {
		Pos  Pos
		Cond Expr
		Then []Stmt
		Else []Stmt
		Elif bool // this If came from an elif of the enclosing If
	}
	// For is {% for Target in Iter [if Filter] [recursive] %}.
	For struct {
		Pos       Pos
		Target    Target
		Iter      Expr
		Filter    Expr // nil when absent
		Body      []Stmt
		Else      []Stmt
		Recursive bool
	}
	// Set is {% set Target = Value %}.
	Set struct {
		Pos    Pos
		Target Target
		Value  Expr
	}
	// SetBlock is {% set Target | filters %}Body{% endset %}.
	SetBlock struct {
		Pos     Pos
		Target  Target
		Filters []*Filter // each with a nil X: applied in order to the body
		Body    []Stmt
	}
	// Macro is {% macro Name(Params) %}Body{% endmacro %}.
	Macro struct {
		Pos    Pos
		Name   string
		Params []Param
		Body   []Stmt
	}
	// CallBlock is {% call(Params) Call %}Body{% endcall %}.
	CallBlock struct {
		Pos    Pos
		Call   *Call
		Params []Param
		Body   []Stmt
	}
	// FilterBlock is {% filter f1 | f2 %}Body{% endfilter %}.
	FilterBlock struct {
		Pos     Pos
		Filters []*Filter // each with a nil X
		Body    []Stmt
	}
	// Include is {% include Template [ignore missing] [with|without context] %}.
	Include struct {
		Pos           Pos
		Template      Expr // a name, or a list of names tried in order
		IgnoreMissing bool
		WithContext   bool // default true
	}
	// Import is {% import Template as Alias [with context] %}.
	Import struct {
		Pos         Pos
		Template    Expr
		Alias       string
		WithContext bool // default false
	}
	// FromImport is {% from Template import a, b as c [with context] %}.
	FromImport struct {
		Pos         Pos
		Template    Expr
		Names       []ImportName
		WithContext bool // default false
	}
	// Extends is {% extends Template %}.
	Extends struct {
		Pos      Pos
		Template Expr
	}
	// Block is {% block Name [scoped] [required] %}Body{% endblock %}.
	Block struct {
		Pos      Pos
		Name     string
		Body     []Stmt
		Scoped   bool
		Required bool
	}
	// With is {% with a = 1, b = 2 %}Body{% endwith %}.
	With struct {
		Pos     Pos
		Targets []Target
		Values  []Expr
		Body    []Stmt
	}
	// Break is {% break %} (loopcontrols).
	Break struct{ Pos Pos }
	// Continue is {% continue %} (loopcontrols).
	Continue struct{ Pos Pos }
	// Do is {% do X %} (expression statement).
	Do struct {
		Pos Pos
		X   Expr
	}
)

// Param is a macro or call-block parameter.
type Param struct {
	Name    string
	Default Expr // nil when the parameter has no default
}

// ImportName is one name of a from-import.
type ImportName struct {
	Name  string
	Alias string // equal to Name when no alias is given
}

// Target is the left side of an assignment or a for loop.
type Target interface {
	Node
	target()
}

// Assignment targets.
type (
	// NameTarget assigns to a variable.
	NameTarget struct {
		Pos  Pos
		Name string
	}
	// TupleTarget unpacks: a, b = ...
	TupleTarget struct {
		Pos   Pos
		Items []Target
	}
	// AttrTarget assigns to a namespace attribute: ns.attr = ...
	AttrTarget struct {
		Pos  Pos
		Name string
		Attr string
	}
)

// Expressions.
type (
	// Const is a literal: string, int64, float64, bool or nil (None).
	Const struct {
		Pos   Pos
		Value Value
	}
	// Name is a variable reference.
	Name struct {
		Pos  Pos
		Name string
	}
	// ListLit is [a, b].
	ListLit struct {
		Pos   Pos
		Items []Expr
	}
	// TupleLit is (a, b) or a bare a, b where allowed.
	TupleLit struct {
		Pos   Pos
		Items []Expr
	}
	// DictLit is {k: v, ...}.
	DictLit struct {
		Pos    Pos
		Keys   []Expr
		Values []Expr
	}
	// Attr is X.Name.
	Attr struct {
		Pos  Pos
		X    Expr
		Name string
	}
	// Item is X[Key].
	Item struct {
		Pos Pos
		X   Expr
		Key Expr
	}
	// Slice is X[Start:Stop:Step]; absent parts are nil.
	Slice struct {
		Pos               Pos
		X                 Expr
		Start, Stop, Step Expr
	}
	// Call is Fn(Args, Kwargs, *Star, **StarStar).
	Call struct {
		Pos      Pos
		Fn       Expr
		Args     []Expr
		Kwargs   []Kwarg
		Star     Expr // nil when absent
		StarStar Expr // nil when absent
	}
	// Filter is X | Name(Args); X is nil in filter blocks and set blocks.
	Filter struct {
		Pos      Pos
		X        Expr
		Name     string
		Args     []Expr
		Kwargs   []Kwarg
		Star     Expr
		StarStar Expr
	}
	// Test is X is [not] Name(Args).
	Test struct {
		Pos     Pos
		X       Expr
		Name    string
		Args    []Expr
		Kwargs  []Kwarg
		Negated bool
	}
	// Unary is Op X with Op one of "not", "-", "+".
	Unary struct {
		Pos Pos
		Op  string
		X   Expr
	}
	// Binary is L Op R with Op one of "+", "-", "*", "/", "//", "%", "**",
	// "~", "and", "or".
	Binary struct {
		Pos  Pos
		Op   string
		L, R Expr
	}
	// Compare is a chained comparison: First Ops[0] Rest[0] Ops[1] Rest[1]...
	// with operators "==", "!=", "<", "<=", ">", ">=", "in", "not in".
	Compare struct {
		Pos   Pos
		First Expr
		Ops   []string
		Rest  []Expr
	}
	// Cond is Then if Cond else Else; Else is nil when absent (undefined).
	Cond struct {
		Pos              Pos
		Cond, Then, Else Expr
	}
)

// Kwarg is a keyword argument of a call, filter or test.
type Kwarg struct {
	Name  string
	Value Expr
}

func (n *Text) Position() Pos        { return n.Pos }
func (n *Output) Position() Pos      { return n.Pos }
func (n *If) Position() Pos          { return n.Pos }
func (n *For) Position() Pos         { return n.Pos }
func (n *Set) Position() Pos         { return n.Pos }
func (n *SetBlock) Position() Pos    { return n.Pos }
func (n *Macro) Position() Pos       { return n.Pos }
func (n *CallBlock) Position() Pos   { return n.Pos }
func (n *FilterBlock) Position() Pos { return n.Pos }
func (n *Include) Position() Pos     { return n.Pos }
func (n *Import) Position() Pos      { return n.Pos }
func (n *FromImport) Position() Pos  { return n.Pos }
func (n *Extends) Position() Pos     { return n.Pos }
func (n *Block) Position() Pos       { return n.Pos }
func (n *With) Position() Pos        { return n.Pos }
func (n *Break) Position() Pos       { return n.Pos }
func (n *Continue) Position() Pos    { return n.Pos }
func (n *Do) Position() Pos          { return n.Pos }
func (n *NameTarget) Position() Pos  { return n.Pos }
func (n *TupleTarget) Position() Pos { return n.Pos }
func (n *AttrTarget) Position() Pos  { return n.Pos }
func (n *Const) Position() Pos       { return n.Pos }
func (n *Name) Position() Pos        { return n.Pos }
func (n *ListLit) Position() Pos     { return n.Pos }
func (n *TupleLit) Position() Pos    { return n.Pos }
func (n *DictLit) Position() Pos     { return n.Pos }
func (n *Attr) Position() Pos        { return n.Pos }
func (n *Item) Position() Pos        { return n.Pos }
func (n *Slice) Position() Pos       { return n.Pos }
func (n *Call) Position() Pos        { return n.Pos }
func (n *Filter) Position() Pos      { return n.Pos }
func (n *Test) Position() Pos        { return n.Pos }
func (n *Unary) Position() Pos       { return n.Pos }
func (n *Binary) Position() Pos      { return n.Pos }
func (n *Compare) Position() Pos     { return n.Pos }
func (n *Cond) Position() Pos        { return n.Pos }

func (*Text) stmt()        {}
func (*Output) stmt()      {}
func (*If) stmt()          {}
func (*For) stmt()         {}
func (*Set) stmt()         {}
func (*SetBlock) stmt()    {}
func (*Macro) stmt()       {}
func (*CallBlock) stmt()   {}
func (*FilterBlock) stmt() {}
func (*Include) stmt()     {}
func (*Import) stmt()      {}
func (*FromImport) stmt()  {}
func (*Extends) stmt()     {}
func (*Block) stmt()       {}
func (*With) stmt()        {}
func (*Break) stmt()       {}
func (*Continue) stmt()    {}
func (*Do) stmt()          {}

func (*NameTarget) target()  {}
func (*TupleTarget) target() {}
func (*AttrTarget) target()  {}

func (*Const) expr()    {}
func (*Name) expr()     {}
func (*ListLit) expr()  {}
func (*TupleLit) expr() {}
func (*DictLit) expr()  {}
func (*Attr) expr()     {}
func (*Item) expr()     {}
func (*Slice) expr()    {}
func (*Call) expr()     {}
func (*Filter) expr()   {}
func (*Test) expr()     {}
func (*Unary) expr()    {}
func (*Binary) expr()   {}
func (*Compare) expr()  {}
func (*Cond) expr()     {}
