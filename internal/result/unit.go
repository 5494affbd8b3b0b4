package result

// Keys of Benchmark.ExtraInfo that say how to read a benchmark's stats when
// they are not seconds per iteration. Results imported from other harnesses
// (see package harness) set them; files without them hold seconds, where a
// higher figure is worse.
const (
	// KeyUnit names the unit of every stats figure, e.g. "ops/s",
	// "cycles/iter" or "Megabytes". Absent or "" means seconds.
	KeyUnit = "stats_unit"
	// KeyHigherIsBetter is true for rates and other figures where a drop is
	// the regression (throughput: ops/s, MB/s).
	KeyHigherIsBetter = "higher_is_better"
)

// Unit returns the unit of b's stats figures: "" for seconds.
func (b *Benchmark) Unit() string {
	s, _ := b.ExtraInfo[KeyUnit].(string)
	return s
}

// HigherIsBetter reports whether a rise of b's figures is an improvement.
func (b *Benchmark) HigherIsBetter() bool {
	v, _ := b.ExtraInfo[KeyHigherIsBetter].(bool)
	return v
}

// Position converts a byte offset in data to a 1-based line and column (in
// runes), as Error reports them.
func Position(data []byte, off int) (line, col int) { return lineCol(data, off) }
