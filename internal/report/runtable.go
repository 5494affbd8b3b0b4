package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// RunTable writes f's benchmarks as pytest-benchmark's end-of-run table,
// at full width. Write errors are ignored (the table is a courtesy to the
// terminal; the result file is what counts).
func RunTable(w io.Writer, f *result.File) { RunTableFit(w, f, 0) }

// dropOrder is the order in which RunTableFit leaves columns out to fit a
// narrow terminal, least telling first (as benchstat keeps its table to
// what matters): after the ratios to the best row, the outlier counts,
// OPS (1/mean again), the iteration and round counts, then the spread
// figures that the IQR already stands for, and memory last. Name, Median,
// IQR and Mean always stay.
var dropOrder = []string{"Outliers", "OPS", "Iterations", "Rounds", "StdDev", "Max", "Min", "allocs/op", "B/op"}

// RunTableFit is RunTable fitted to maxWidth terminal columns (0: no
// limit): when a block is wider, it drops the ratio annotations, then
// whole columns in dropOrder until it fits, and says below the block which
// columns it left out.
func RunTableFit(w io.Writer, f *result.File, maxWidth int) {
	if f == nil || len(f.Benchmarks) == 0 {
		fmt.Fprintln(w, "No benchmarks were run.")
		return
	}
	groups := map[string][]*result.Benchmark{}
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		groups[b.Group] = append(groups[b.Group], b)
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		bs := groups[g]
		sort.SliceStable(bs, func(i, j int) bool {
			if bs[i].Name != bs[j].Name {
				return bs[i].Name < bs[j].Name
			}
			return bs[i].Fullname < bs[j].Fullname
		})
		runGroup(w, g, bs, maxWidth)
	}
	var noisy []string
	for _, b := range f.Benchmarks {
		if stats.Noisy(b.Stats) {
			noisy = append(noisy, fmt.Sprintf("%s (IQR %.0f%%)", clean(b.Name), 100*stats.RelIQR(b.Stats)))
		}
	}
	if len(noisy) > 0 {
		fmt.Fprint(w, wrap(fmt.Sprintf("Noisy (rounds spread over %.0f%% of the median; the figures say little, rerun on a quieter machine): %s",
			100*stats.NoisyRelIQR, strings.Join(noisy, ", ")), maxWidth, "  "))
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Legend:")
	fmt.Fprint(w, wrap("  Outliers: 1 Standard Deviation from Mean; 1.5 IQR (InterQuartile Range) from 1st Quartile and 3rd Quartile.", maxWidth, "    "))
	fmt.Fprint(w, wrap("  OPS: Operations Per Second, computed as 1 / Mean", maxWidth, "    "))
}

// wrap breaks s into lines of at most maxWidth columns at spaces (0: one
// line), indenting continuation lines by indent; each line ends in "\n".
func wrap(s string, maxWidth int, indent string) string {
	if maxWidth <= 0 || width(s) <= maxWidth {
		return s + "\n"
	}
	var b strings.Builder
	rest := strings.TrimLeft(s, " ")
	line := s[:len(s)-len(rest)] // the first line's own indent
	for i, word := range strings.Split(rest, " ") {
		switch {
		case i == 0:
			line += word
		case width(line)+1+width(word) > maxWidth:
			b.WriteString(line + "\n")
			line = indent + word
		default:
			line += " " + word
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}

// timeCols are the columns in seconds, in table order.
var timeCols = []struct{ key, label string }{
	{"min", "Min"}, {"max", "Max"}, {"mean", "Mean"}, {"stddev", "StdDev"}, {"median", "Median"}, {"iqr", "IQR"},
}

func timeValue(s result.Stats, key string) float64 {
	switch key {
	case "min":
		return s.Min
	case "max":
		return s.Max
	case "mean":
		return s.Mean
	case "stddev":
		return s.Stddev
	case "median":
		return s.Median
	}
	return s.IQR
}

// ops is the stored OPS, or 1/mean for files older than the ops field. A
// benchmark imported in another unit keeps its stored OPS as it is (its
// throughput for ops/s, 0 for others): 1 / (MB/s) is no rate.
func ops(b *result.Benchmark) float64 {
	s := b.Stats
	if s.OPS > 0 || b.Unit() != "" {
		return s.OPS
	}
	if s.Mean > 0 {
		return 1 / s.Mean
	}
	return 0
}

func countFmt(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return grouped(v, 0)
	}
	return grouped(v, 2)
}

// baselineScale is pytest-benchmark's compute_baseline_scale: the ratio to
// the group's best value, padded to the column's right padding.
func baselineScale(best, v float64, pad int) string {
	if pad == 0 {
		return ""
	}
	var s string
	switch scale := math.Abs(v / best); {
	case v == best:
		s = " (1.0)"
	case best == 0 || math.IsInf(scale, 0):
		s = " (inf)"
	case scale > 1000:
		s = " (>1000.0)"
	default:
		s = fmt.Sprintf(" (%.2f)", scale)
	}
	return padRight(s, pad)
}

func runGroup(w io.Writer, group string, bs []*result.Benchmark, maxWidth int) {
	solo := len(bs) == 1
	pad := 10
	if solo {
		pad = 0
	}
	best := map[string]float64{}
	for _, c := range timeCols {
		best[c.key] = math.Inf(1)
		for _, b := range bs {
			best[c.key] = math.Min(best[c.key], timeValue(b.Stats, c.key))
		}
	}
	bestOps, worstOps := 0.0, math.Inf(1)
	for _, b := range bs {
		bestOps = math.Max(bestOps, ops(b))
		worstOps = math.Min(worstOps, ops(b))
	}
	unit, adj := timeUnit(best["min"])
	opsPrefix, opsAdj := opsUnit(worstOps)

	hasBytes, hasAllocs := false, false
	for _, b := range bs {
		_, ok := b.Extra(result.KeyBytesPerOp)
		hasBytes = hasBytes || ok
		_, ok = b.Extra(result.KeyAllocsPerOp)
		hasAllocs = hasAllocs || ok
	}

	type column struct {
		label string
		cells []string // one per benchmark, already formatted
		pad   int      // right padding (the ratio column)
	}
	var cols []column
	for _, c := range timeCols {
		col := column{label: c.label, pad: pad}
		for _, b := range bs {
			v := timeValue(b.Stats, c.key)
			col.cells = append(col.cells, grouped(v*adj, 4)+"\x00"+baselineScale(best[c.key], v, pad))
		}
		cols = append(cols, col)
	}
	outliers := column{label: "Outliers"}
	for _, b := range bs {
		outliers.cells = append(outliers.cells, clean(b.Stats.Outliers))
	}
	cols = append(cols, outliers)
	opsLabel := "OPS"
	if opsPrefix != "" {
		opsLabel = "OPS (" + opsPrefix + "ops/s)"
	}
	opsCol := column{label: opsLabel, pad: pad}
	for _, b := range bs {
		opsCol.cells = append(opsCol.cells, grouped(ops(b)*opsAdj, 4)+"\x00"+baselineScale(bestOps, ops(b), pad))
	}
	cols = append(cols, opsCol)
	rounds, iters := column{label: "Rounds"}, column{label: "Iterations"}
	for _, b := range bs {
		rounds.cells = append(rounds.cells, strconv.Itoa(b.Stats.Rounds))
		iters.cells = append(iters.cells, strconv.Itoa(b.Stats.Iterations))
	}
	cols = append(cols, rounds, iters)
	for _, extra := range []struct {
		has        bool
		key, label string
	}{{hasBytes, result.KeyBytesPerOp, "B/op"}, {hasAllocs, result.KeyAllocsPerOp, "allocs/op"}} {
		if !extra.has {
			continue
		}
		col := column{label: extra.label}
		for _, b := range bs {
			cell := ""
			if v, ok := b.Extra(extra.key); ok {
				cell = countFmt(v)
			}
			col.cells = append(col.cells, cell)
		}
		cols = append(cols, col)
	}

	nameLabel := "Name (time in " + unit + "s)"
	nameWidth := width(nameLabel)
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = clean(b.Name)
		nameWidth = max(nameWidth, width(names[i]))
	}
	nameWidth += 3

	// A cell is "number\x00ratio": the number is right-aligned in the
	// column's width (2 + widest), the ratio follows in the padding.
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = width(c.label)
		for _, cell := range c.cells {
			num, _, _ := strings.Cut(cell, "\x00")
			widths[i] = max(widths[i], width(num))
		}
		widths[i] += 2
	}

	lineWidth := func() int {
		n := nameWidth
		for i, c := range cols {
			n += widths[i] + c.pad
		}
		return n
	}
	var dropped []string
	if maxWidth > 0 && lineWidth() > maxWidth {
		// The ratios go first: they repeat what the figures say.
		for i := range cols {
			if cols[i].pad > 0 {
				cols[i].pad = 0
				for r, cell := range cols[i].cells {
					num, _, _ := strings.Cut(cell, "\x00")
					cols[i].cells[r] = num
				}
				dropped = append(dropped, "ratios")
			}
		}
		dropped = dropped[:min(len(dropped), 1)]
		for _, name := range dropOrder {
			if lineWidth() <= maxWidth {
				break
			}
			for i := range cols {
				if strings.HasPrefix(cols[i].label, name) {
					dropped = append(dropped, name)
					cols = append(cols[:i], cols[i+1:]...)
					widths = append(widths[:i], widths[i+1:]...)
					break
				}
			}
		}
	}

	var head strings.Builder
	head.WriteString(padRight(nameLabel, nameWidth))
	for i, c := range cols {
		head.WriteString(padLeft(c.label, widths[i]))
		head.WriteString(strings.Repeat(" ", c.pad))
	}
	labels := head.String()
	title := " benchmark: " + strconv.Itoa(len(bs)) + " tests "
	if group != "" {
		title = " benchmark '" + clean(group) + "': " + strconv.Itoa(len(bs)) + " tests "
	}
	fmt.Fprintln(w, center(title, width(labels), "-"))
	fmt.Fprintln(w, strings.TrimRight(labels, " "))
	fmt.Fprintln(w, strings.Repeat("-", width(labels)))
	for r := range bs {
		var line strings.Builder
		line.WriteString(padRight(names[r], nameWidth))
		for i, c := range cols {
			num, ratio, _ := strings.Cut(c.cells[r], "\x00")
			line.WriteString(padLeft(num, widths[i]))
			line.WriteString(ratio)
			if ratio == "" {
				line.WriteString(strings.Repeat(" ", c.pad))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
	fmt.Fprintln(w, strings.Repeat("-", width(labels)))
	if len(dropped) > 0 {
		fmt.Fprint(w, wrap(fmt.Sprintf("(left out to fit %d columns: %s; --wide or a pipe shows every column)", maxWidth, strings.Join(dropped, ", ")), maxWidth, " "))
	}
	fmt.Fprintln(w)
}
