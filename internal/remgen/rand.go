package remgen

import "github.com/unet-dev/unet/internal/splitmix"

// rng is the generator of the pairs: a fixed sequence for a given seed, so
// that the committed corpus can be checked against the generator.
type rng = splitmix.Rand

func newRNG(seed uint64) *rng { return splitmix.New(seed) }

// seedOf mixes a dialect name and an index into a seed.
func seedOf(dialect string, index int) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(dialect); i++ {
		h ^= uint64(dialect[i])
		h *= 1099511628211
	}
	return h ^ uint64(index)*0x9e3779b97f4a7c15
}
