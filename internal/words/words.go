// Package words writes counts in English for people: "1 benchmark",
// "2 benchmarks". Every message of benchsite that counts something goes
// through Count, so none says "1 benchmarks" or "8 regression".
package words

import "strconv"

// Count writes n and the noun, adding "s" unless n is 1: Count(1,
// "run") is "1 run", Count(0, "run") "0 runs".
func Count(n int, noun string) string { return CountAs(n, noun, noun+"s") }

// CountAs is Count for a noun with its own plural: CountAs(2, "match",
// "matches").
func CountAs(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
