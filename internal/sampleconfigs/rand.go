package sampleconfigs

import "github.com/unet-dev/unet/internal/splitmix"

// rng is the generator of the sample configurations: a fixed sequence for a
// given seed.
type rng = splitmix.Rand

func newRNG(seed uint64) *rng { return splitmix.New(seed) }
