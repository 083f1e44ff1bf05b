package metrics

// Test helpers of the package, for its external tests (which may import the
// service: the service itself imports this package).
var (
	Sample     = sample
	MustSample = mustSample
	OpenDB     = openDB
	Engines    = engines
)

// ExpireInventoryCache makes the next scrape read the counts again.
func ExpireInventoryCache() {
	inv := dbs.cur.Load().inv
	inv.mu.Lock()
	inv.ttl = 0
	inv.mu.Unlock()
}
