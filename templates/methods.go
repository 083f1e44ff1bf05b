package templates

import (
	"fmt"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// strMethodNames lists the Python str methods gonja provides.
var strMethodNames = []string{
	"capitalize", "capwords", "casefold", "center", "count", "encode", "endswith",
	"expandtabs", "find", "format", "format_map", "isalnum", "isalpha", "isascii",
	"isdecimal", "isdigit", "islower", "isnumeric", "isprintable", "isspace", "istitle",
	"isupper", "join", "ljust", "lower", "lstrip", "partition", "removeprefix",
	"removesuffix", "replace", "rfind", "rjust", "rpartition", "rsplit", "rstrip",
	"split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill",
}

// newMethods returns gonja's methods of builtin types, with str.replace
// fixed to take its count argument as optional, as in Python.
func newMethods() exec.Methods {
	m := builtins.Methods
	str := map[string]exec.Method[string]{}
	for _, name := range strMethodNames {
		if fn, ok := builtins.Methods.Str.Get(name); ok {
			str[name] = fn
		}
	}
	str["replace"] = strReplace
	m.Str = exec.NewMethodSet(str)
	return m
}

// strReplace is Python's str.replace(old, new[, count]).
func strReplace(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.Args) < 2 || len(args.Args) > 3 {
		return nil, exec.ErrInvalidCall(fmt.Errorf("replace() takes 2 or 3 arguments, %d given", len(args.Args)))
	}
	count := -1
	if len(args.Args) == 3 {
		if !args.Args[2].IsInteger() {
			return nil, exec.ErrInvalidCall(fmt.Errorf("replace() count must be an integer"))
		}
		count = args.Args[2].Integer()
	}
	return strings.Replace(self, args.Args[0].String(), args.Args[1].String(), count), nil
}
