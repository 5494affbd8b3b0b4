package history

// BaselinesInForce applies the rule for which baseline a run is compared
// with, to runs in number order whose baseline flags are isBaseline
// (storage.Entry.Baseline): a run's baseline in force is the newest
// baseline before it, and a baseline's is the baseline before it, so its
// page shows how the figures moved. The result holds, for each run, the
// index of its baseline in force, or -1 when there is none. `benchsite
// compare` (with no runs named), the site and `benchsite changes` all use
// this rule.
func BaselinesInForce(isBaseline []bool) []int {
	out := make([]int, len(isBaseline))
	last := -1
	for i, b := range isBaseline {
		out[i] = last
		if b {
			last = i
		}
	}
	return out
}
