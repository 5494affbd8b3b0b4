package history

import (
	"fmt"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// Summary is what the history keeps of a benchmark's result in every run
// (Point.Sum): its statistics without the samples, its B/op and allocs/op,
// and the few extra_info and options keys the pages and commands read (the
// unit, higher_is_better, the garbage-collector and profile options). It is
// held by value in the series' slice of points, 128 bytes; the
// strings and keys runs have in common are shared.
type Summary struct {
	// Figures of result.Stats (seconds, or Unit).
	Min, Max, Mean, Median, Stddev, Q1, Q3, IQR, OPS float64
	Outliers                                         string

	rounds, iterations int32 // see Stats

	bytes, allocs float64 // extra_info B/op and allocs/op, when flags say so
	flags         uint8
	info          *summaryInfo // nil: seconds, lower is better, no options
}

const (
	hasBytes uint8 = 1 << iota
	hasAllocs
)

// summaryInfo is the part of a summary that runs mostly share: interned,
// one per distinct value.
type summaryInfo struct {
	unit    string
	higher  bool
	options map[string]any // the summaryOptions keys the benchmark has
}

// Stats returns the summary's statistics as result.Stats, without the
// samples (Data), total, ld15iqr, hd15iqr and the outlier counts. Rounds
// and iterations beyond 2³¹−1 (no measurement has them) read as -1.
func (s *Summary) Stats() result.Stats {
	return result.Stats{Min: s.Min, Max: s.Max, Mean: s.Mean, Median: s.Median, Stddev: s.Stddev,
		Q1: s.Q1, Q3: s.Q3, IQR: s.IQR, OPS: s.OPS, Rounds: int(s.rounds), Iterations: int(s.iterations), Outliers: s.Outliers}
}

// int32Of is n, or -1 when it does not fit.
func int32Of(n int) int32 {
	if n != int(int32(n)) {
		return -1
	}
	return int32(n)
}

// BytesPerOp returns extra_info's B/op; ok is false when the run has none.
func (s *Summary) BytesPerOp() (v float64, ok bool) { return s.bytes, s.flags&hasBytes != 0 }

// AllocsPerOp returns extra_info's allocs/op; ok is false when the run has
// none.
func (s *Summary) AllocsPerOp() (v float64, ok bool) { return s.allocs, s.flags&hasAllocs != 0 }

// Unit is result.Benchmark.Unit: "" for seconds.
func (s *Summary) Unit() string {
	if s.info == nil {
		return ""
	}
	return s.info.unit
}

// HigherIsBetter is result.Benchmark.HigherIsBetter.
func (s *Summary) HigherIsBetter() bool { return s.info != nil && s.info.higher }

// Options returns the benchmark's options that a summary keeps (the
// garbage-collector and profile keys, see result.OptDisableGC and
// result.OptProfile); shared, not to be modified; nil when it has none.
func (s *Summary) Options() map[string]any {
	if s.info == nil {
		return nil
	}
	return s.info.options
}

// GCDisabled is result.Benchmark.GCDisabled.
func (s *Summary) GCDisabled() (off, recorded bool) {
	off, recorded = s.Options()[result.OptDisableGC].(bool)
	return off, recorded
}

// Profile is result.Benchmark.Profile.
func (s *Summary) Profile() (kind, file string, ok bool) {
	o := s.Options()
	kind, _ = o[result.OptProfile].(string)
	file, _ = o[result.OptProfileFile].(string)
	return kind, file, kind != "" && file != ""
}

// summaryOptions are the options a summary keeps.
var summaryOptions = []string{result.OptProfile, result.OptProfileFile, result.OptProfileRounds, result.OptProfileProcesses, result.OptDisableGC}

// cachedBench is a benchmark's summary as the cache writes it (gob needs
// exported fields).
type cachedBench struct {
	Group, Name, Fullname string
	Stats                 result.Stats // without Data
	Bytes, Allocs         float64
	Flags                 uint8
	Unit                  string
	Higher                bool
	Options               map[string]any
}

// cachedSummary is what the cache keeps of b.
func cachedSummary(b *result.Benchmark) cachedBench {
	c := cachedBench{Group: b.Group, Name: b.Name, Fullname: b.Fullname, Stats: b.Stats,
		Unit: b.Unit(), Higher: b.HigherIsBetter()}
	c.Stats.Data = nil
	if v, ok := b.Extra(result.KeyBytesPerOp); ok {
		c.Bytes, c.Flags = v, c.Flags|hasBytes
	}
	if v, ok := b.Extra(result.KeyAllocsPerOp); ok {
		c.Allocs, c.Flags = v, c.Flags|hasAllocs
	}
	for _, k := range summaryOptions {
		if v, ok := b.Options[k]; ok {
			if c.Options == nil {
				c.Options = map[string]any{}
			}
			c.Options[k] = v
		}
	}
	return c
}

// summary is c as a point holds it, with its strings and info interned.
func (l *loader) summary(c *cachedBench) Summary {
	st := &c.Stats
	return Summary{
		Min: st.Min, Max: st.Max, Mean: st.Mean, Median: st.Median, Stddev: st.Stddev,
		Q1: st.Q1, Q3: st.Q3, IQR: st.IQR, OPS: st.OPS, Outliers: l.str(st.Outliers),
		rounds: int32Of(st.Rounds), iterations: int32Of(st.Iterations),
		bytes: c.Bytes, allocs: c.Allocs, flags: c.Flags & (hasBytes | hasAllocs),
		info: l.info(c.Unit, c.Higher, c.Options),
	}
}

// info interns a summary's shared part: runs with the same unit and
// options share one.
func (l *loader) info(unit string, higher bool, opts map[string]any) *summaryInfo {
	if unit == "" && !higher && len(opts) == 0 {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%q %v", unit, higher)
	for _, k := range summaryOptions {
		if v, ok := opts[k]; ok {
			fmt.Fprintf(&sb, ";%q=%#v", k, v)
		}
	}
	key := sb.String()
	if in, ok := l.infos[key]; ok {
		return in
	}
	in := &summaryInfo{unit: unit, higher: higher, options: opts}
	l.infos[key] = in
	return in
}
