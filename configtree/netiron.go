package configtree

// netironLine: Extreme NetIron configurations separate blocks with "!" lines
// and may carry "#" comments; both are comments at any indentation. NetIron
// has no multi-line banner in its running configuration.
func netironLine(content []byte, _ int) lineClass {
	if content[0] == '!' || content[0] == '#' {
		return lineComment
	}
	return lineStatement
}
