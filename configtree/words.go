package configtree

// splitWords splits a JunOS statement key into words; a double-quoted string
// (escapes included) is one word.
func splitWords(key []byte, dst []string) []string {
	i := 0
	for i < len(key) {
		for i < len(key) && (key[i] == ' ' || key[i] == '\t' || key[i] == '\n') {
			i++
		}
		if i >= len(key) {
			break
		}
		start := i
		if key[i] == '"' {
			i++
			for i < len(key) && key[i] != '"' {
				if key[i] == '\\' {
					i++
				}
				i++
			}
			if i < len(key) {
				i++
			}
		} else {
			for i < len(key) && key[i] != ' ' && key[i] != '\t' && key[i] != '\n' {
				i++
			}
		}
		if i > len(key) {
			i = len(key)
		}
		dst = append(dst, string(key[start:i]))
	}
	return dst
}

// wordPaths returns the statement paths a JunOS statement stands for: its
// ancestors' words followed by its own. A leaf holding a list
// ("members [ a b ]") stands for one path per element, as in set format.
func wordPaths(parent []string, key []byte) [][]string {
	own := splitWords(key, nil)
	open := -1
	for i, w := range own {
		if w == "[" {
			open = i
			break
		}
	}
	if open < 0 || own[len(own)-1] != "]" || open == len(own)-2 {
		p := make([]string, 0, len(parent)+len(own))
		return [][]string{append(append(p, parent...), own...)}
	}
	var out [][]string
	for _, el := range own[open+1 : len(own)-1] {
		p := make([]string, 0, len(parent)+open+1)
		p = append(append(p, parent...), own[:open]...)
		out = append(out, append(p, el))
	}
	return out
}
