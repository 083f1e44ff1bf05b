// Package templates renders Jinja templates for network device configuration.
//
// An [Env] is rooted at a template source (a directory or any [io/fs.FS], such
// as a Git snapshot). Template names are slash-separated paths relative to
// that root, and include/import/extends can only reach files inside it.
//
// The environment behaves like a Python Jinja2 environment created with
// trim_blocks and lstrip_blocks on and StrictUndefined: an undefined
// variable is an error that names the variable and the template line. Like
// Jinja2's default, a single trailing newline at the end of a template source
// is removed from the output (see [Options.KeepTrailingNewline]).
//
// Rendering is bounded: every render has a time limit, an output size limit
// and a nesting limit for macro calls and include/import/extends chains, so a
// template cannot hang or exhaust the process.
//
// Besides the Jinja2 builtin filters, the environment provides network
// filters (IP address and prefix helpers, interface names, MAC formats, VLAN
// lists, indent, to_json, to_yaml) documented in docs/templates.md.
//
// A template declares the part of the device configuration it owns with a
// header comment, {# template-match: EXPR #}, where EXPR is a match
// expression of package configtree. [ParseHeaders] extracts headers and
// [Env.Validate] checks a whole template tree.
package templates
