package service

// DropCachedImpacts empties the impact cache (the next read of a set
// computes its impact).
func (s *Service) DropCachedImpacts() {
	s.impacts.mu.Lock()
	defer s.impacts.mu.Unlock()
	s.impacts.entries = nil
}

// CachedImpacts returns how many impacts the cache holds.
func (s *Service) CachedImpacts() int {
	s.impacts.mu.Lock()
	defer s.impacts.mu.Unlock()
	return len(s.impacts.entries)
}
