package service

import "testing"

// SetBulkImportMin makes imports of at least n nodes and links take the
// bulk path until the test ends.
func SetBulkImportMin(t testing.TB, n int) {
	old := bulkImportMin
	bulkImportMin = n
	t.Cleanup(func() { bulkImportMin = old })
}
