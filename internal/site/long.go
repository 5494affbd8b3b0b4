package site

import (
	"crypto/sha256"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"strconv"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/downsample"
	"github.com/benchsite/benchsite/internal/target"
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
	// maxMarkRows is the number of the newest baselines and regressions
	// whose rows the data file holds besides; every baseline and
	// regression is marked on the chart whatever their number (the marks
	// carry their run's position, and charts.js fetches an older one's
	// period when the reader points at it).
	maxMarkRows = 100
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
// its runs, [From, To) of series S, whose rows writePeriod builds (so a
// long series' rows are never all held at once). ChangePoints are the
// change-point marks of its runs, by position in the series.
type periodFile struct {
	Path         string
	S            *series
	U            unit
	From, To     int
	ChangePoints map[int]*changeMark
}

// rowMark is what longRows takes of each run of a long series.
type rowMark struct {
	Median *float64
	T      *int64
	// Marked is set on a baseline or a regression.
	Marked bool
}

// longMachine is the chart data of a long series (more than maxRows runs)
// and its period files: the history chart's marks and the downsampled
// series (longRows) are taken a run at a time from the part of each row
// they read (scanRow), then only the rows kept are built whole, and each
// period file's rows when it is written (not when an earlier build's file
// is linked). changes are the positions of the series' change points;
// machines is the number of machines the page shows, which share
// chartPoints.
func (b *builder) longMachine(s *series, u unit, slug string, machines int, targets []target.Status, newestBase string) (machineData, []periodFile) {
	n := len(s.Points)
	sc := newChartScan(newestBase)
	marks := make([]rowMark, n)
	hasMem := false
	for i := range n {
		r := scanRow(s, u, i)
		hasMem = hasMem || hasMemory(s, i)
		sc.add(&r)
		marks[i] = rowMark{Median: r.Median, T: r.T, Marked: r.Baseline || r.Verdict == string(compare.Regression)}
	}
	var changes []int
	for _, c := range s.Changes {
		changes = append(changes, c.Index)
	}
	keep := longRows(marks, changes, machines)
	rows := make([]runRow, 0, len(keep))
	for _, i := range keep {
		r, _ := b.runRowsIn(s, u, i, i+1)
		rows = append(rows, r[0])
	}
	md := machineData{ID: s.Machine.ID, Unit: u, Runs: rows, Total: n, Distribution: distributionChart(u)}
	md.History, md.OffChart = sc.chart(u, targets)
	md.Changes = []changeMark{}
	b.addChangeMarks(&md, s, u)
	if hasMem {
		mc := memoryChart(rows)
		md.Memory = &mc
	}
	// The first view shows the newest runs whatever the rows drawn, and
	// the period files' rows carry their change points too (every change
	// point's row is among the rows kept).
	md.History.DataZoom = zoomLong(n)
	if md.Memory != nil {
		md.Memory.DataZoom = zoomLong(n)
	}
	cps := map[int]*changeMark{}
	for _, r := range rows {
		if r.ChangePoint != nil {
			cps[r.I] = r.ChangePoint
		}
	}
	var files []periodFile
	machine := s.Machine.ID
	for from := 0; from < n; from += periodRuns {
		to := min(from+periodRuns, n)
		k := from / periodRuns
		md.Periods = append(md.Periods, period{
			URL:  fmt.Sprintf("%s/%s/%04d.json", slug, url.PathEscape(machine), k),
			From: from, To: to, T0: marks[from].T, T1: marks[to-1].T,
		})
		files = append(files, periodFile{Path: fmt.Sprintf("data/%s/%s/%04d.json", slug, machine, k), S: s, U: u, From: from, To: to, ChangePoints: cps})
	}
	return md, files
}

// longRows picks the runs of a long series the data file holds (their
// positions, in run order): the newest newestRuns, the newest maxMarkRows
// baselines and regressions, every change point (changes), and a
// Largest-Triangle-Three-Buckets downsampling of the medians.
func longRows(marks []rowMark, changes []int, machines int) []int {
	n := len(marks)
	xs, ys := make([]float64, n), make([]float64, n)
	keep := append([]int(nil), changes...)
	marked := 0
	for i := n - 1; i >= 0; i-- {
		r := marks[i]
		xs[i] = float64(i)
		if r.Median != nil {
			ys[i] = *r.Median
		}
		switch {
		case i >= n-newestRuns:
			keep = append(keep, i)
		case r.Marked && marked < maxMarkRows:
			keep = append(keep, i)
			marked++
		}
	}
	return downsample.LTTB(xs, ys, max(chartPoints/max(machines, 1), 60)+len(keep), keep)
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

// An incremental build (Options.Cache) links a period file from the
// earlier build's output when it was made from the same runs: adding a
// run changes only the newest period's file of each series. The key is
// the SHA-256 of what the rows are made from, taken from the series'
// points without building the rows — the unit shown, and each run's
// position, file name and content hash (every figure, date and commit of
// the row comes from the file), its verdict and baseline, whether its
// samples are written and its change point — rather than of the JSON, so
// a period that has not changed is neither built nor encoded again (see
// reuse.go for the manifest of keys).

// periodKey is the key of period file p; zero when some run's content
// hash is unknown (no cache).
func periodKey(p periodFile) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "period-3 %s %d %q %q %x\n", buildID, p.To-p.From, p.S.Machine.ID, p.U.Name, math.Float64bits(p.U.Scale))
	// Appended field by field: fmt.Fprintf per row costs more than the
	// hash (a long history has hundreds of thousands of rows).
	var buf []byte
	for i := p.From; i < p.To; i++ {
		pt := &p.S.Points[i]
		if pt.Run.Hash == ([32]byte{}) {
			return [32]byte{}
		}
		buf = strconv.AppendInt(buf[:0], int64(i), 10)
		buf = append(buf, pt.Run.Hash[:]...)
		buf = strconv.AppendQuote(buf, filepath.Base(pt.Run.Path))
		v := pt.Verdict()
		base := ""
		if pt.Run.Base != nil {
			base = pt.Run.Base.Label
		}
		for _, s := range []string{string(v.Status), v.Field, v.PairedVerdict, base} {
			buf = strconv.AppendQuote(buf, s)
		}
		for _, f := range []float64{v.Change, v.CILow, v.CIHigh} {
			buf = strconv.AppendUint(append(buf, ' '), math.Float64bits(f), 16)
		}
		buf = strconv.AppendBool(append(buf, ' '), v.Paired)
		buf = strconv.AppendInt(append(buf, ' '), int64(v.Pairs), 10)
		samples := 0
		if pt.Bench != nil {
			samples = len(pt.Bench.Stats.Data)
		}
		buf = strconv.AppendInt(append(buf, ' '), int64(samples), 10)
		if cp := p.ChangePoints[i]; cp != nil {
			js, _ := marshal(cp)
			buf = append(buf, js...)
		}
		h.Write(append(buf, '\n'))
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// writePeriod writes a period file, or links the earlier build's when its
// key is the same (see periodKey).
func (b *builder) writePeriod(p periodFile) error {
	key := periodKey(p)
	if b.reuseFile(p.Path, key) {
		return nil
	}
	rows, _ := b.runRowsIn(p.S, p.U, p.From, p.To)
	for i := range rows {
		rows[i].ChangePoint = p.ChangePoints[rows[i].I]
	}
	js, err := marshal(struct {
		Runs []runRow `json:"runs"`
	}{rows})
	if err != nil {
		return err
	}
	if err := b.writeFile(p.Path, js); err != nil {
		return err
	}
	b.record(p.Path, key)
	return nil
}
