package jinja

// builtinFilters returns Jinja2's builtin filters.
func builtinFilters() map[string]FilterFunc { return map[string]FilterFunc{} }

// builtinTests returns Jinja2's builtin tests.
func builtinTests() map[string]TestFunc { return map[string]TestFunc{} }
