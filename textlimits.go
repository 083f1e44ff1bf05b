package unet

// Limits of the string fields of SNMP profiles and Git sources, in
// characters unless said otherwise; docs/inventory.md lists them per field.
const (
	// MaxPathLen bounds repository sub-directories (path, policies_dir,
	// templates_dir).
	MaxPathLen = 1024
	// MaxDurationLen bounds durations given as text ("5m").
	MaxDurationLen = 64
)

// CheckText returns the problem of s as the value of field — invalid UTF-8, a
// control character, more than max characters — or nil, for packages that
// validate their own objects with the inventory's rules.
func CheckText(field, s string, max int) *FieldError {
	var fe fieldErrors
	if fe.checkText(field, s, max) {
		return nil
	}
	return &fe[0]
}
