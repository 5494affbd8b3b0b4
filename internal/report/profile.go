package report

import (
	"io"
	"strings"

	"github.com/benchsite/benchsite/internal/profile"
)

// ProfileTable writes a benchmark's profile summary the way
// pytest-benchmark's --benchmark-cprofile table reads (and `go tool pprof
// -top -cum` lays it out): a header naming the benchmark, the sample type
// and the total, then one line per function, by cumulative value:
//
//	BenchmarkX - cpu profile (by cumulative cpu; total 2.1 s)
//	      flat   flat%        cum    cum%  function
//	    1.80 s   85.2%     1.90 s   90.0%  example.com/m.hot
//
// note, when not empty, follows the header in parentheses (e.g. how many
// rounds were profiled). Function names come from the profile, so they are
// cleaned of control characters.
func ProfileTable(w io.Writer, benchmark string, kind profile.Kind, top *profile.Top, note string) error {
	ew := &errWriter{w: w}
	ew.printf("%s - %s profile (by cumulative %s; total %s", clean(benchmark), kind, top.SampleType, profile.FormatValue(top.Total, top.Unit))
	if note != "" {
		ew.printf("; %s", clean(note))
	}
	ew.printf(")\n")
	if len(top.Funcs) == 0 {
		ew.printf("  no samples: the profile recorded nothing for this benchmark\n")
		return ew.err
	}
	rows := [][]string{{"flat", "flat%", "cum", "cum%"}}
	for _, f := range top.Funcs {
		rows = append(rows, []string{
			profile.FormatValue(f.Flat, top.Unit), pct(top.Share(f.Flat)),
			profile.FormatValue(f.Cum, top.Unit), pct(top.Share(f.Cum)),
		})
	}
	widths := make([]int, 4)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], width(c))
		}
	}
	for i, r := range rows {
		var b strings.Builder
		for j, c := range r {
			b.WriteString("  " + padLeft(c, widths[j]))
		}
		name := "function"
		if i > 0 {
			name = clean(top.Funcs[i-1].Name)
		}
		ew.printf("%s  %s\n", b.String(), name)
	}
	return ew.err
}

func pct(f float64) string { return grouped(f*100, 1) + "%" }
