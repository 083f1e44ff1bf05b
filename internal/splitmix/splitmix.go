// Package splitmix is a SplitMix64 random generator for the generators of
// test configurations: tiny, fast and with a fixed output sequence for a
// given seed (unlike math/rand, whose algorithms may change), so that
// generated test data committed to the repository can be checked against
// its generator.
package splitmix

import "fmt"

// Rand is a SplitMix64 generator. The zero value is a valid generator with
// seed 0. It is not safe for concurrent use.
type Rand struct{ s uint64 }

// New returns a generator with the given seed.
func New(seed uint64) *Rand { return &Rand{s: seed} }

// Next returns the next 64 random bits.
func (r *Rand) Next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Intn returns a number in [0, n); n must be positive.
func (r *Rand) Intn(n int) int { return int(r.Next() % uint64(n)) }

// Between returns a number in [lo, hi].
func (r *Rand) Between(lo, hi int) int { return lo + r.Intn(hi-lo+1) }

// Chance is true with the given probability in percent.
func (r *Rand) Chance(percent int) bool { return r.Intn(100) < percent }

// Pick returns one of the choices.
func (r *Rand) Pick(choices ...string) string { return choices[r.Intn(len(choices))] }

// Hex returns n random hexadecimal digits (for hashes and keys).
func (r *Rand) Hex(n int) string {
	b := make([]byte, 0, n)
	for len(b) < n {
		b = fmt.Appendf(b, "%016x", r.Next())
	}
	return string(b[:n])
}
