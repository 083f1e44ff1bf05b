package cluster

import "hash/fnv"

// Owner returns the member of members that owns key by rendezvous (highest
// random weight) hashing: every member scores the key, the highest score
// wins. When a member leaves only its keys move, spread over the others;
// when one joins it takes about 1/N of every member's keys. Ties (never
// seen in practice) go to the smaller ID. It returns "" when members is
// empty.
func Owner(key string, members []string) string {
	best, bestScore := "", uint64(0)
	for _, m := range members {
		s := score(m, key)
		if best == "" || s > bestScore || (s == bestScore && m < best) {
			best, bestScore = m, s
		}
	}
	return best
}

// Shares counts the keys each member owns.
func Shares(keys, members []string) map[string]int {
	out := make(map[string]int, len(members))
	for _, m := range members {
		out[m] = 0
	}
	if len(members) == 0 {
		return out
	}
	for _, k := range keys {
		out[Owner(k, members)]++
	}
	return out
}

// score is the weight of member for key: FNV-1a over both, finished with
// the SplitMix64 mixer so that close inputs score far apart.
func score(member, key string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(member))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(key))
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
