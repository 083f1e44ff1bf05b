package configtree

// isRADMode reports the RAD ETX lines that enter a CLI mode.
func isRADMode(content []byte) bool {
	for _, w := range []string{"configure", "admin", "file"} {
		if string(content) == w || beginsWithWord(content, w) {
			return true
		}
	}
	return false
}
