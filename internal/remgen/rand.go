package remgen

import "fmt"

// rng is a SplitMix64 generator: tiny, fast and with a fixed output sequence
// for a given seed (unlike math/rand, whose algorithms may change).
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng { return &rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance is true with the given probability in percent.
func (r *rng) chance(percent int) bool { return r.intn(100) < percent }

// pick returns one of the choices.
func (r *rng) pick(choices ...string) string { return choices[r.intn(len(choices))] }

// hex returns n random hexadecimal digits (for keys and hashes).
func (r *rng) hex(n int) string {
	b := make([]byte, 0, n)
	for len(b) < n {
		b = fmt.Appendf(b, "%016x", r.next())
	}
	return string(b[:n])
}

// seedOf mixes a dialect name and an index into a seed.
func seedOf(dialect string, index int) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(dialect); i++ {
		h ^= uint64(dialect[i])
		h *= 1099511628211
	}
	return h ^ uint64(index)*0x9e3779b97f4a7c15
}
