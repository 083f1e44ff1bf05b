package jinja

// templateCache holds compiled templates by name.
type templateCache struct{}

// addBuiltinGlobals adds range, dict, lipsum, cycler, joiner and namespace.
func (e *Env) addBuiltinGlobals() {}
