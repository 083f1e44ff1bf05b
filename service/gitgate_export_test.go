package service

// SetGateCaseLimit lowers the number of test cases one activation runs and
// returns the function that restores it.
func SetGateCaseLimit(n int) func() {
	old := gateLimits.cases
	gateLimits.cases = n
	return func() { gateLimits.cases = old }
}
