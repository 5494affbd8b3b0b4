package site

import (
	"fmt"
	"net/url"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/downsample"
)

// A benchmark page's weight must not grow with the history. A series of
// more than maxRows runs is drawn from a downsampled series in the page's
// data file, and every run is in period files of periodRuns runs that
// charts.js fetches for the range the reader zooms into (and for a run the
// reader picks). The runs table lists the newest tableRuns runs.
const (
	// maxRows is the longest series whose every run is in the data file.
	maxRows = 600
	// chartPoints is the downsampled series' budget (Largest-Triangle-
	// Three-Buckets, package downsample), shared among the machines, on
	// top of the runs it must keep: the newest newestRuns, every baseline,
	// regression and change point.
	chartPoints = 200
	// newestRuns are drawn at full resolution: the history chart's first
	// view (see zoom) and the runs the runs table lists (tableRuns).
	newestRuns = 100
	// periodRuns is the number of runs in one period file. Periods are
	// counted from a series' first run, so adding a run changes only the
	// newest period's file.
	periodRuns = 500
	// tableRuns is the number of runs the runs table and the run picker
	// list, newest first; the history chart reaches the others.
	tableRuns = 100
)

// period is one period file of a long series: runs [From, To) of it.
type period struct {
	URL  string `json:"url"` // relative to the data file
	From int    `json:"from"`
	To   int    `json:"to"`
	// T0 and T1 are the first and last run's times (Unix milliseconds),
	// nil when some run has no readable date.
	T0 *int64 `json:"t0"`
	T1 *int64 `json:"t1"`
}

// periodFile is a period file to write: its path from the site root and
// its runs.
type periodFile struct {
	Path string
	Runs []runRow
}

// longRows cuts a long series' rows (all of them, in run order) into the
// rows the data file holds and the period files; rows of a short series
// are returned as they are. changes are the positions of the series'
// change points; machines is the number of machines the page shows, which
// share chartPoints.
func longRows(rows []runRow, changes []int, slug, machine string, machines int) (kept []runRow, periods []period, files []periodFile) {
	n := len(rows)
	if n <= maxRows {
		return rows, nil, nil
	}
	xs, ys := make([]float64, n), make([]float64, n)
	keep := append([]int(nil), changes...)
	for i, r := range rows {
		xs[i] = float64(i)
		if r.Median != nil {
			ys[i] = *r.Median
		}
		if r.Baseline || r.Verdict == string(compare.Regression) || i >= n-newestRuns {
			keep = append(keep, i)
		}
	}
	for _, i := range downsample.LTTB(xs, ys, max(chartPoints/max(machines, 1), 60)+len(keep), keep) {
		kept = append(kept, rows[i])
	}
	for from := 0; from < n; from += periodRuns {
		to := min(from+periodRuns, n)
		k := from / periodRuns
		file := fmt.Sprintf("%s/%s/%04d.json", slug, machine, k)
		periods = append(periods, period{
			URL:  fmt.Sprintf("%s/%s/%04d.json", slug, url.PathEscape(machine), k),
			From: from, To: to, T0: rows[from].T, T1: rows[to-1].T,
		})
		files = append(files, periodFile{Path: "data/" + file, Runs: rows[from:to]})
	}
	return kept, periods, files
}

// zoomLong is the history charts' zoom for a long series of n runs: the
// first view shows the newest newestRuns, the runs drawn at full
// resolution.
func zoomLong(n int) []dataZoom {
	z := zoom(n)
	for i := range z {
		z[i].Start = float32(100 * (1 - float64(newestRuns)/float64(n)))
	}
	return z
}
