package policy

// targetScan is what a rule reads and writes, as far as deciding its target
// object is concerned. Each field holds the first occurrence in source
// order (nil when there is none).
type targetScan struct {
	link    *FieldRef // a link.* field
	nodeish *FieldRef // a node.*, status.* or interfaces field
	loc     *FieldRef // a location.* field
	// short is a short-form custom_data.<path> the rule reads (in its
	// condition, an assertion or a SET value).
	short *FieldRef
	// shortSet is the field of a SET custom_data.<path>.
	shortSet *FieldRef
	// locSet is the field of a SET location.custom_data.<path>.
	locSet *FieldRef
	apply  *ApplyAction
}

// scanTarget classifies the fields and actions of a rule; fields are the
// rule's field references in source order (collectFields).
func scanTarget(r *Rule, fields []*FieldRef) targetScan {
	var s targetScan
	setFields := map[*FieldRef]bool{}
	var walk func(a Action)
	walk = func(a Action) {
		switch x := a.(type) {
		case *SetAction:
			setFields[x.Field] = true
			switch p := x.Field.Path; {
			case p[0] == "custom_data":
				s.shortSet = first(s.shortSet, x.Field)
			case p[0] == "location" && len(p) >= 2 && p[1] == "custom_data":
				s.locSet = first(s.locSet, x.Field)
			}
		case *ApplyAction:
			if s.apply == nil {
				s.apply = x
			}
		case *BlockAction:
			for _, b := range x.Actions {
				walk(b)
			}
		}
	}
	walk(r.Then)
	for _, f := range fields {
		switch f.Path[0] {
		case "link":
			s.link = first(s.link, f)
		case "node", "status", "interfaces":
			s.nodeish = first(s.nodeish, f)
		case "location":
			s.loc = first(s.loc, f)
		case "custom_data":
			if !setFields[f] {
				s.short = first(s.short, f)
			}
		}
	}
	return s
}

func first(cur, f *FieldRef) *FieldRef {
	if cur != nil {
		return cur
	}
	return f
}

// ruleKind decides whether a rule targets nodes, links or locations.
//
//   - A rule with link.* fields is a link rule; it may not read node.*,
//     location.*, status or interfaces (it reaches its nodes through
//     link.a.node and link.z.node). The short form custom_data.<path> is
//     the link's there.
//   - Otherwise the file's front matter target, when there is one, decides,
//     unless the rule reads fields that object does not have (a location
//     or link rule reading node.*, a link rule reading location.*). The
//     short form is then the declared target's custom_data.
//   - Otherwise a rule with node.*, status or interfaces fields is a node
//     rule, and so is a rule with no fields but the short form (which is
//     the node's, SPEC §3.1) or with none at all.
//   - A rule whose only other fields are location.* fields is a node rule
//     when it writes the node (SET custom_data.<path>, or APPLY: templates
//     belong to nodes) — a site override — and a location rule when it
//     writes nothing or only location.custom_data. Writing both is an
//     error; so is reading the short form while writing the location. A
//     rule that reads the short form and writes nothing is evaluated for
//     nodes, with a warning that it may have meant the location's data.
func (c *checker) ruleKind(r *Rule, fields []*FieldRef) (ObjectKind, bool) {
	s := scanTarget(r, fields)
	if s.link != nil {
		other := s.nodeish
		if other == nil {
			other = s.loc
		}
		if other != nil {
			c.errorf(other.FieldPos, "rule mixes link fields with %s: a link rule reaches nodes through link.a.node and link.z.node", other)
			return KindLink, false
		}
	}
	if fm := c.file.FrontMatter; fm != nil && fm.Target != "" {
		return c.declaredKind(r, s, ObjectKind(fm.Target))
	}
	switch {
	case s.link != nil:
		return KindLink, true
	case s.nodeish != nil, s.loc == nil:
		return KindNode, true
	}
	return c.locationOnlyKind(s)
}

// declaredKind checks a rule against its file's front matter target.
func (c *checker) declaredKind(r *Rule, s targetScan, want ObjectKind) (ObjectKind, bool) {
	var got ObjectKind
	switch {
	case s.link != nil:
		got = KindLink
	case s.nodeish != nil:
		got = KindNode
	case s.loc != nil && want == KindLink:
		got = KindLocation
	default:
		// Fields of the location are there for node rules as well.
		return want, true
	}
	if got != want {
		c.errorf(r.Pos, "rule targets %ss but the file's front matter declares target %s", got, want)
		return got, false
	}
	return want, true
}

// locationOnlyKind decides the target of a rule whose fields, apart from
// the short form custom_data.<path>, are all location.* fields.
func (c *checker) locationOnlyKind(s targetScan) (ObjectKind, bool) {
	var nodeWrite string
	var nodeWritePos Pos
	switch {
	case s.shortSet != nil && (s.apply == nil || s.shortSet.FieldPos.Offset < s.apply.ApplyPos.Offset):
		nodeWrite, nodeWritePos = "SET "+s.shortSet.String(), s.shortSet.FieldPos
	case s.apply != nil:
		nodeWrite, nodeWritePos = "APPLY", s.apply.ApplyPos
	}
	switch {
	case s.locSet != nil && nodeWrite != "":
		at := nodeWritePos
		if s.locSet.FieldPos.Offset > at.Offset {
			at = s.locSet.FieldPos
		}
		c.errorf(at, "rule writes both its location (SET %s at %d:%d) and its nodes (%s at %d:%d): a rule changes one object; split it into a location rule and a node rule",
			s.locSet, s.locSet.FieldPos.Line, s.locSet.FieldPos.Col, nodeWrite, nodeWritePos.Line, nodeWritePos.Col)
		return KindNode, false
	case s.locSet != nil && s.short != nil:
		c.errorf(s.short.FieldPos, "%s is the node's custom_data (the short form), but the rule sets %s of its location: write location.%s to read the location's, or node.%s and split the rule",
			s.short, s.locSet, s.short, s.short)
		return KindLocation, false
	case s.locSet != nil:
		return KindLocation, true
	case nodeWrite != "":
		return KindNode, true
	case s.short != nil:
		c.warnf(s.short.FieldPos, "%s is ambiguous in a rule that otherwise reads only location fields: the short form is the node's custom_data, so the rule is evaluated for every node at a matching location; write node.%s to say so, or location.%s to evaluate the location itself",
			s.short, s.short, s.short)
		return KindNode, true
	}
	return KindLocation, true
}
