package site

import (
	"fmt"
	"html/template"
	"maps"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/target"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// The types below are the data the templates see; a user's templates may
// use every exported field. Texts are plain strings (html/template escapes
// them where they are used); only Markdown output is template.HTML.

// SiteInfo is .Site on every page.
type SiteInfo struct {
	Title   string
	BaseURL string // as configured; pages link relatively
	RepoURL string
	Nav     []NavItem
	Docs    []NavItem
	// Browser is set when some benchmarks are browser-runnable; the nav
	// then has "Run in your browser" (run.html).
	Browser bool
	// Wasm and WasmExec are the site paths of the wasm module and Go's
	// wasm_exec.js, "" when no module was given to the build; WasmWorker,
	// WasmPanel and WasmStyle those of the worker and panel scripts and the
	// panel's stylesheet (package wasmbuild puts them beside the module).
	Wasm, WasmExec                   string
	WasmWorker, WasmPanel, WasmStyle string
}

// NavItem is a link of the navigation bar.
type NavItem struct {
	Key   string // "home", "compare", "targets", "machines", "run", or "doc:<path>"
	Title string
	Path  string // from the site root
}

// Page is the data of every page template.
type Page struct {
	Site *SiteInfo
	// Root leads from this page to the site root ("", "../"): write
	// {{.Root}}assets/style.css.
	Root string
	Path string // this page's path from the site root
	Key  string // the NavItem.Key of this page
	// Title is the page's own title (the <title> adds the site's).
	Title string
	// Canonical is the page's absolute URL when BaseURL is absolute.
	Canonical string
	// Charts asks the layout for ECharts and charts.js.
	Charts bool

	// One of these is set, by page kind.
	Home     *HomePage
	Bench    *BenchPage
	Compare  *ComparePage
	Targets  *TargetsPage
	Machines *MachinesPage
	Doc      *DocPage
	Run      *RunPage
	Changes  *ChangesPage
	Runs     *RunsPage
}

// RunRef identifies one run (one result file).
type RunRef struct {
	Machine  string
	Label    string // file name without .json, e.g. "0007_baseline"
	Number   int
	Baseline bool
	Date     string // as in the file (RFC 3339)
	Day      string // "2026-11-25 20:32" (UTC) or ""
	Commit   string
	Short    string // shortened commit id
	// CommitURL is set when RepoURL is configured and the id is a git hash.
	CommitURL string
	Message   string
	Branch    string
	Dirty     bool
	Raw       string // path of the copied result file from the site root
}

// HomePage is the home page.
type HomePage struct {
	Intro    template.HTML // content/_index.md without its front matter
	Machines []MachineSummary
	Rows     []SummaryRow
	Groups   []string
	// MultiMachine: more than one machine, so rows name their machine.
	MultiMachine bool
	// Charts: some machine has a comparison chart.
	Charts bool
}

// MachineSummary is a machine's latest run on the home page.
type MachineSummary struct {
	ID       string
	Runs     int
	Latest   RunRef
	Baseline *RunRef // newest baseline, nil if none
	// Compared: Baseline and Latest differ, so the counts below mean
	// something.
	Compared                               bool
	Regressions, Improvements, Same, Noise int
	// Paired: the counts are the paired verdicts the newest run stored
	// (both revisions measured in one session); else the comparison is of
	// two unpaired runs.
	Paired bool
	// ChartID and ChartJSON are the bar chart of the changes (as on the
	// compare page) when Compared; Rows is its number of bars.
	ChartID                   string
	ChartJSON                 template.JS
	Rows                      int
	TargetsMet, TargetsMissed int
}

// SummaryRow is one benchmark on one machine in the home page's grid.
type SummaryRow struct {
	Name, Fullname, Group, Machine string
	URL                            string // the benchmark page, from the root
	Latest                         RunRef // the newest run that has it
	Median                         float64
	// Spread is the newest run's IQR as a fraction of its median (NaN
	// when unknown); Noisy when it exceeds stats.NoisyRelIQR.
	Spread float64
	Noisy  bool
	// MedianText is Median with its unit for benchmarks imported in a unit
	// other than seconds ("3.377e+09 ops/s"); "" for times.
	MedianText string
	// Verdict is the compare status against the newest baseline ("" when
	// not compared); Change is in percent of Field.
	Verdict     string
	Change      float64
	Field       string
	P           float64
	HasP        bool
	Target      string // "met", "missed" or "" (no target)
	TargetText  string // e.g. "50 ms +10%"
	Spark       string // SVG polyline points of the last medians
	SparkRuns   int
	Browser     bool // browser-runnable
	LatestIsOld bool // the machine's newest run does not have it
}

// BenchPage is one benchmark's page.
type BenchPage struct {
	Name, Fullname, Group string
	Slug                  string
	Params                []KV
	// DataURL is the page's chart data (data/<slug>.json) relative to the
	// page.
	DataURL string
	// BrowserRunnable: the WASM build can run this benchmark in the
	// reader's browser (Options.BrowserBenchmarks); the "browser-run"
	// template block draws the button.
	BrowserRunnable bool
	Machines        []BenchMachine
}

// BenchMachine is the history of the benchmark on one machine.
type BenchMachine struct {
	ID    string
	Index int // position in the data file's "machines"
	// Chart element ids, [A-Za-z0-9_] only.
	HistoryID, DistID, SelectID, MemoryID string
	HasMemory                             bool
	Unit                                  string
	// ShowOPS: the figures are times, so the runs table has an OPS (1 /
	// mean) column; for a benchmark imported in another unit (ops/s is
	// already the median column, 1 / MB/s means nothing) it has none.
	ShowOPS        bool
	Latest         RunRow
	Verdict, Field string
	Change         float64
	Against        string // label of the baseline compared with
	Targets        []target.Status
	// TargetsOffChart are targets too far from the data (more than 3×) to
	// draw in the history chart without flattening it.
	TargetsOffChart []string
	// Runs are the runs table's: the newest page of it (runs.go), newest
	// first; Nav links the older pages, nil when there are none.
	// TotalRuns counts every run (the history chart draws every one).
	Runs      []RunRow
	Nav       *RunsNav
	TotalRuns int
	// Recent are the newest runs (at most 100), newest first: the run
	// picker's choices.
	Recent    []RunRow
	ExtraInfo []KV // of the newest run
	// Harness names the harness of the newest run when it was imported
	// from another one (e.g. "Catch2 2.13.10"); "" for Go and pytest runs.
	Harness string
	// Published is the newest run's median in seconds: the figure a
	// browser run is set beside.
	Published float64
	// Changes are the change points of this benchmark on this machine,
	// newest first.
	Changes []ChangeRow
	// Profile is the newest run's profile that has one (benchsite run
	// --profile); nil when no run has.
	Profile *ProfileView
	// GCOff: the newest run ran with the garbage collector off.
	GCOff bool

	profiles map[int]string // profile paths by run position (addProfiles)
}

// RunRow is one run in a benchmark's runs table (times formatted in the
// machine's unit).
type RunRow struct {
	RunRef
	Index                               int // position in the data file's runs (oldest first)
	Min, Median, Mean, Max, Stddev, IQR string
	OPS                                 string
	Spread                              float64 // IQR / median (NaN when unknown)
	Noisy                               bool    // stats.Noisy
	Rounds, Iterations                  int
	Outliers                            string
	Bytes, Allocs                       string // "" when not recorded
	Verdict                             string
	Change                              float64
	Against                             string
	// Interval is the paired verdict's change with its confidence
	// interval ("+2.1 % [−0.8, +4.9]", compare.FormatInterval) and Pairs
	// its process pairs, when the run was measured in pairs; "" and 0
	// otherwise.
	Interval string
	Pairs    int
	Profile  string // the run's .pprof from the site root; "" when none
	GCOff    bool   // run with the garbage collector off (options.disable_gc)
}

// KV is a key and a printable value.
type KV struct{ Key, Value string }

// ComparePage is newest baseline vs newest run, per machine.
type ComparePage struct {
	Machines []CompareMachine
	Checks   string // the default checks, e.g. "mean:10%"
}

// CompareMachine is one machine's comparison.
type CompareMachine struct {
	ID string
	// Base and Cur are nil when missing; Report is nil unless both exist
	// and differ.
	Base, Cur   *RunRef
	Report      *compare.Report
	Rows        []CompareRow
	Regressions []string
	Warnings    []string
	Failed      bool
	ChartID     string
	// ChartJSON is the bar chart's option and rows as HTML-safe JSON, for a
	// <script type="application/json"> block.
	ChartJSON template.JS
}

// CompareRow is one row of a comparison.
type CompareRow struct {
	Name, Fullname, Group, URL string
	Status                     string
	Field                      string
	Base, Cur                  string // in the row's unit
	Unit                       string
	Change                     float64
	HasP, Significant          bool
	P                          float64
	Failures, Notes            []string
	// BaseSpread and CurSpread are each side's IQR / median (NaN when the
	// side is missing); BaseNoisy and CurNoisy flag stats.Noisy.
	BaseSpread, CurSpread float64
	BaseNoisy, CurNoisy   bool
	// CI is a paired row's confidence interval, e.g. "[−0.8, +4.9] 8
	// pairs"; "" on unpaired rows.
	CI string
}

// TargetsPage lists each target's status on each machine's newest run.
type TargetsPage struct {
	Rows []TargetRow
}

// TargetRow is one target on one machine.
type TargetRow struct {
	Benchmark string // as written in the targets table
	Target    string // "50 ms +10%"
	Bound     float64
	Machine   string
	Run       *RunRef
	Found     bool
	Name, URL string
	Median    float64
	Status    string // "met", "missed", "not found", "no runs"
	Message   string
}

// MachinesPage lists the machines.
type MachinesPage struct {
	Machines []MachineInfo
}

// MachineInfo is one machine's description.
type MachineInfo struct {
	ID          string
	Runs        int
	First, Last RunRef
	CPU         string
	Runtime     string
	Info        []KV // machine_info flattened ("cpu.brand_raw"), sorted
}

// DocPage is a Markdown page.
type DocPage struct {
	Source string
	HTML   template.HTML
	// HasH1: the Markdown has its own level-1 heading, so the template
	// does not add one from the title.
	HasH1 bool
}

// RunPage lists the browser-runnable benchmarks (run.html), with each
// machine's published figure; the WASM helper's script fills the page.
type RunPage struct {
	Benchmarks []BrowserBench
	// DataURL is data/browser.json relative to the page: the same list as
	// JSON for scripts.
	DataURL string
}

// BrowserBench is a browser-runnable benchmark.
type BrowserBench struct {
	Name      string          `json:"name"`
	Fullname  string          `json:"fullname"`
	Group     string          `json:"group"`
	URL       string          `json:"url"` // benchmark page from the root
	Published []PublishedTime `json:"published"`
}

// PublishedTime is the newest native median of a benchmark on a machine.
type PublishedTime struct {
	Machine string  `json:"machine"`
	Run     string  `json:"run"`
	Date    string  `json:"date"`
	Commit  string  `json:"commit"`
	Median  float64 `json:"median"` // seconds
	Text    string  `json:"text"`   // formatted, e.g. "1.23 ms"
}

// ---- building the page data ----

func (b *builder) runRef(r *run) RunRef {
	ci := r.File.CommitInfo
	ref := RunRef{
		Machine:   r.Machine.ID,
		Label:     r.Label,
		Number:    r.Number,
		Baseline:  r.Baseline,
		Date:      r.File.Datetime,
		Commit:    ci.ID,
		Short:     shortCommit(ci.ID),
		CommitURL: commitURL(b.opt.RepoURL, ci.ID),
		Message:   ci.Message,
		Branch:    ci.Branch,
		Dirty:     ci.Dirty,
		Raw:       rawPath(r),
	}
	if !r.Time.IsZero() {
		ref.Day = timefmt.Date(r.Time)
	}
	return ref
}

func (b *builder) benchURL(bn *bench) string { return "bench/" + bn.Slug + ".html" }

// targetsFor returns the targets that apply to one benchmark, found by
// target.Check itself so the matching rule is the package's.
func (b *builder) targetsFor(rb *result.Benchmark) []target.Status {
	var out []target.Status
	for _, s := range target.Check(&result.File{Benchmarks: []result.Benchmark{*rb}}, b.opt.Targets) {
		if s.Found {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) homePage() (*HomePage, error) {
	h := &HomePage{Intro: b.home.Intro, MultiMachine: len(b.machines) > 1}
	for i, m := range b.machines {
		ms := MachineSummary{ID: m.ID, Runs: len(m.Runs), Latest: b.runRef(m.Newest)}
		if m.NewestBaseline != nil {
			ref := b.runRef(m.NewestBaseline)
			ms.Baseline = &ref
		}
		if m.Report != nil {
			ms.Compared = true
			ms.Regressions = m.Report.Count(compare.Regression)
			ms.Improvements = m.Report.Count(compare.Improvement)
			ms.Same = m.Report.Count(compare.Same)
			ms.Noise = m.Report.Count(compare.Noise)
			ms.Paired = m.Report.Paired
			js, err := changeChartJSON(m.Report)
			if err != nil {
				return nil, fmt.Errorf("site: home chart of %s: %w", m.ID, err)
			}
			ms.ChartID, ms.ChartJSON, ms.Rows = fmt.Sprintf("changes_%d", i), js, len(m.Report.Rows)
			h.Charts = true
		}
		for _, t := range m.Targets {
			if t.Found && t.Met {
				ms.TargetsMet++
			} else if t.Missed() {
				ms.TargetsMissed++
			}
		}
		h.Machines = append(h.Machines, ms)
	}
	groups := map[string]bool{}
	for _, bn := range b.benches {
		if bn.Group != "" {
			groups[bn.Group] = true
		}
		for _, s := range bn.Series {
			if s == nil {
				continue
			}
			m := s.Machine
			last := s.Latest()
			row := SummaryRow{
				Name: bn.Name, Fullname: bn.Fullname, Group: bn.Group, Machine: m.ID,
				URL: b.benchURL(bn), Latest: b.runRef(last.Run), Median: last.Sum.Median,
				Browser: bn.BrowserRunnable, LatestIsOld: last.Run != m.Newest,
				Change: math.NaN(), Spread: stats.RelIQR(last.Sum.Stats()), Noisy: stats.Noisy(last.Sum.Stats()),
			}
			if u := last.Sum.Unit(); u != "" {
				row.MedianText = inUnit(unitNamed(u, 0), last.Sum.Median) + " " + u
			}
			// A benchmark missing from the newest run but in the baseline
			// shows as "removed".
			if cr := m.Rows[bn.Fullname]; cr != nil {
				row.Verdict, row.Change, row.Field = string(cr.Status), cr.Change, cr.Field
				row.P, row.HasP = cr.P, cr.HasP
			}
			for _, t := range b.targetsFor(last.Bench) {
				row.TargetText = t.Target.String()
				switch {
				case t.Met && row.Target == "":
					row.Target = "met"
				case !t.Met:
					row.Target = "missed"
				}
			}
			// The trend is the last 30 medians: enough to see a step,
			// and the page's size stays independent of the history.
			pts := s.Points
			if len(pts) > 30 {
				pts = pts[len(pts)-30:]
			}
			vals := make([]float64, len(pts))
			for i, p := range pts {
				vals[i] = p.Sum.Median
			}
			row.Spark, row.SparkRuns = sparkline(vals, 120, 28), len(vals)
			h.Rows = append(h.Rows, row)
		}
	}
	h.Groups = slices.Sorted(maps.Keys(groups))
	return h, nil
}

func (b *builder) benchPage(bn *bench, data *benchData) *BenchPage {
	p := &BenchPage{
		Name: bn.Name, Fullname: bn.Fullname, Group: bn.Group, Slug: bn.Slug,
		DataURL: "../data/" + bn.Slug + ".json", BrowserRunnable: bn.BrowserRunnable,
	}
	idx := 0
	for _, s := range bn.Series {
		if s == nil {
			continue
		}
		last := s.Latest()
		if p.Params == nil {
			for _, k := range slices.Sorted(maps.Keys(last.Bench.Params)) {
				p.Params = append(p.Params, KV{k, printable(last.Bench.Params[k])})
			}
		}
		md := data.Machines[idx]
		u := md.Unit
		bm := BenchMachine{
			ID: s.Machine.ID, Index: idx,
			HistoryID: fmt.Sprintf("history_%d", idx), DistID: fmt.Sprintf("dist_%d", idx),
			SelectID: fmt.Sprintf("run_%d", idx), MemoryID: fmt.Sprintf("memory_%d", idx),
			HasMemory: md.Memory != nil, Unit: u.Name, TargetsOffChart: md.OffChart,
			Targets:   b.targetsFor(last.Bench),
			Published: last.Sum.Median,
			Change:    math.NaN(),
			ShowOPS:   last.Sum.Unit() == "",
			Harness:   strings.TrimSpace(last.Run.File.MachineInfo.String("harness") + " " + last.Run.File.MachineInfo.String("harness_version")),
		}
		bm.TotalRuns = len(s.Points)
		b.benchRuns(&bm, bn.Slug, s, u)
		bm.Latest = bm.Runs[0]
		bm.Changes = b.seriesChanges(s)
		bm.Verdict, bm.Change, bm.Against = bm.Latest.Verdict, bm.Latest.Change, bm.Latest.Against
		bm.Field = last.Verdict().Field
		for _, k := range slices.Sorted(maps.Keys(last.Bench.ExtraInfo)) {
			bm.ExtraInfo = append(bm.ExtraInfo, KV{k, printable(last.Bench.ExtraInfo[k])})
		}
		p.Machines = append(p.Machines, bm)
		idx++
	}
	return p
}

func (b *builder) runRow(p point, u unit) RunRow {
	st := p.Sum.Stats()
	in := func(v float64) string { return inUnit(u, v) }
	if name := p.Sum.Unit(); !inPageUnit(name, u) { // each figure in the run's own unit, named
		in = func(v float64) string { return figure(name, v) }
	}
	r := RunRow{
		RunRef: b.runRef(p.Run),
		Min:    in(st.Min), Median: in(st.Median), Mean: in(st.Mean),
		Max: in(st.Max), Stddev: in(st.Stddev), IQR: in(st.IQR),
		OPS:    number(st.OPS),
		Rounds: st.Rounds, Iterations: st.Iterations, Outliers: st.Outliers,
		Change: math.NaN(), Spread: stats.RelIQR(st), Noisy: stats.Noisy(st),
	}
	if v, ok := p.Sum.BytesPerOp(); ok {
		r.Bytes = number(v)
	}
	if v, ok := p.Sum.AllocsPerOp(); ok {
		r.Allocs = number(v)
	}
	r.GCOff, _ = p.Sum.GCDisabled()
	if v := p.Verdict(); v.Status != "" {
		r.Verdict, r.Change, r.Against = string(v.Status), v.Change, p.Run.Base.Label
		if v.Paired && !math.IsNaN(v.CILow) && !math.IsNaN(v.CIHigh) {
			r.Interval, r.Pairs = compare.FormatInterval(v.Change, v.CILow, v.CIHigh), v.Pairs
		}
	}
	return r
}

// printable renders a JSON value from a result file as text.
func printable(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case float64:
		// NaN and ±Infinity, which Python's json writes, shown as such.
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "Infinity"
		case math.IsInf(x, -1):
			return "-Infinity"
		}
		return number(x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	data, err := marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func (b *builder) comparePage() (*ComparePage, error) {
	cp := &ComparePage{}
	var checks []string
	for _, c := range b.opt.Compare.Checks {
		checks = append(checks, c.String())
	}
	cp.Checks = strings.Join(checks, ", ")
	for i, m := range b.machines {
		cm := CompareMachine{ID: m.ID, ChartID: fmt.Sprintf("compare_%d", i)}
		if m.NewestBaseline != nil {
			ref := b.runRef(m.NewestBaseline)
			cm.Base = &ref
		}
		if m.Newest != nil && m.Newest != m.NewestBaseline {
			ref := b.runRef(m.Newest)
			cm.Cur = &ref
		}
		if rep := m.Report; rep != nil {
			cm.Report = rep
			cm.Regressions = rep.Regressions()
			cm.Warnings = rep.Warnings
			cm.Failed = rep.Failed()
			for _, row := range rep.Rows {
				base, cur, uname := rowFigures(row)
				r := CompareRow{
					Name: row.Name, Fullname: row.Fullname, Group: row.Group,
					Status: string(row.Status), Field: row.Field,
					Base: base, Cur: cur,
					Unit: uname, Change: row.Change, HasP: row.HasP, P: row.P, Significant: row.Significant,
					Failures: row.Failures, Notes: row.Notes,
					BaseSpread: math.NaN(), CurSpread: math.NaN(),
				}
				if row.Baseline != nil {
					r.BaseSpread, r.BaseNoisy = stats.RelIQR(row.Baseline.Stats), stats.Noisy(row.Baseline.Stats)
				}
				if row.Current != nil {
					r.CurSpread, r.CurNoisy = stats.RelIQR(row.Current.Stats), stats.Noisy(row.Current.Stats)
				}
				if row.Paired {
					r.CI = fmt.Sprintf("%s %d pairs", compare.FormatBounds(row.CILow, row.CIHigh), row.Pairs)
				}
				if bn := b.byFull[row.Fullname]; bn != nil {
					r.URL = b.benchURL(bn)
				}
				cm.Rows = append(cm.Rows, r)
			}
			js, err := changeChartJSON(rep)
			if err != nil {
				return nil, fmt.Errorf("site: compare chart of %s: %w", m.ID, err)
			}
			cm.ChartJSON = js
		}
		cp.Machines = append(cp.Machines, cm)
	}
	return cp, nil
}

// rowFigures are a comparison row's baseline and current figures and the
// unit after both; a row not compared (units differ) has each side in its
// own unit, written after it, and no common unit.
func rowFigures(row compare.Row) (base, cur, unitName string) {
	if row.NotCompared != "" {
		bu, cu := benchUnit(row.Baseline, row.Base), benchUnit(row.Current, row.Cur)
		return inUnit(bu, row.Base) + " " + bu.Name, inUnit(cu, row.Cur) + " " + cu.Name, ""
	}
	u := rowUnit(row)
	return fmtIn(row.Baseline != nil, row.Base, u), fmtIn(row.Current != nil, row.Cur, u), u.Name
}

// rowUnit is the time unit of a comparison row, from its baseline value.
func rowUnit(row compare.Row) unit {
	ref := row.Base
	if math.IsNaN(ref) || ref == 0 {
		ref = row.Cur
	}
	if row.Current != nil {
		return benchUnit(row.Current, ref)
	}
	return benchUnit(row.Baseline, ref)
}

// changeChartJSON is the bar chart of a comparison's changes with the rows
// its tooltips show, as HTML-safe JSON for a <script type="application/json">
// block (the compare page and the home page use it).
func changeChartJSON(rep *compare.Report) (template.JS, error) {
	type chartRow struct {
		Name    string   `json:"name"`
		Status  string   `json:"status"`
		Field   string   `json:"field"`
		Base    string   `json:"base"`
		Cur     string   `json:"cur"`
		Change  *float64 `json:"change"`
		P       *float64 `json:"p"`
		Failure []string `json:"failures,omitempty"`
	}
	var crs []chartRow
	for _, row := range rep.Rows {
		base, cur, uname := rowFigures(row)
		if uname != "" {
			base, cur = base+" "+uname, cur+" "+uname
		}
		cr := chartRow{Name: row.Name, Status: string(row.Status), Field: row.Field,
			Base:    base,
			Cur:     cur,
			Change:  fin(round6(row.Change)),
			Failure: row.Failures}
		if row.HasP {
			cr.P = fin(round6(row.P))
		}
		crs = append(crs, cr)
	}
	js, err := marshal(struct {
		Option chartOption `json:"option"`
		Rows   []chartRow  `json:"rows"`
	}{compareChart(rep), reverse(crs)})
	return template.JS(js), err
}

// reverse returns s backwards (the chart's category axis is bottom-up).
func reverse[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func fmtIn(ok bool, v float64, u unit) string {
	if !ok {
		return "—"
	}
	return inUnit(u, v)
}

func (b *builder) targetsPage() *TargetsPage {
	tp := &TargetsPage{}
	for _, m := range b.machines {
		ref := b.runRef(m.Newest)
		for _, s := range m.Targets {
			row := TargetRow{
				Benchmark: s.Benchmark, Target: s.Target.String(), Bound: s.Bound(),
				Machine: m.ID, Run: &ref, Found: s.Found, Name: s.Name,
				Median: s.Median, Message: s.Message,
			}
			switch {
			case !s.Found:
				row.Status = "not found"
			case s.Met:
				row.Status = "met"
			default:
				row.Status = "missed"
			}
			if bn := b.byFull[s.Fullname]; bn != nil {
				row.URL = b.benchURL(bn)
			}
			tp.Rows = append(tp.Rows, row)
		}
	}
	if len(b.machines) == 0 {
		for _, t := range b.opt.Targets {
			tp.Rows = append(tp.Rows, TargetRow{Benchmark: t.Benchmark, Target: t.String(), Bound: t.Bound(),
				Median: math.NaN(), Status: "no runs"})
		}
	}
	return tp
}

func (b *builder) machinesPage() *MachinesPage {
	mp := &MachinesPage{}
	for _, m := range b.machines {
		mi := MachineInfo{
			ID: m.ID, Runs: len(m.Runs),
			First: b.runRef(m.Runs[0]), Last: b.runRef(m.Newest),
			CPU: m.Info.CPUModel(), Runtime: m.Info.Runtime(),
		}
		flatten("", map[string]any(m.Info), &mi.Info)
		sort.Slice(mi.Info, func(i, j int) bool { return mi.Info[i].Key < mi.Info[j].Key })
		mp.Machines = append(mp.Machines, mi)
	}
	return mp
}

// flatten lists nested machine_info maps as dotted keys.
func flatten(prefix string, m map[string]any, out *[]KV) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
			flatten(key, sub, out)
			continue
		}
		*out = append(*out, KV{key, printable(m[k])})
	}
}

func (b *builder) runPage() (*RunPage, []BrowserBench) {
	rp := &RunPage{DataURL: "data/browser.json"}
	for _, bn := range b.benches {
		if !bn.BrowserRunnable {
			continue
		}
		bb := BrowserBench{Name: bn.Name, Fullname: bn.Fullname, Group: bn.Group, URL: b.benchURL(bn), Published: []PublishedTime{}}
		for _, s := range bn.Series {
			if s == nil {
				continue
			}
			last := s.Latest()
			bb.Published = append(bb.Published, PublishedTime{
				Machine: s.Machine.ID, Run: last.Run.Label, Date: last.Run.File.Datetime,
				Commit: last.Run.File.CommitInfo.ID, Median: last.Sum.Median,
				Text: seconds(last.Sum.Median),
			})
		}
		rp.Benchmarks = append(rp.Benchmarks, bb)
	}
	return rp, rp.Benchmarks
}

// canonical is the absolute URL of a page when BaseURL is absolute.
func (b *builder) canonical(p string) string {
	u, err := url.Parse(b.opt.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	if p == "index.html" {
		p = ""
	}
	return strings.TrimRight(b.opt.BaseURL, "/") + "/" + p
}

// basePath is the path part of BaseURL ("/" when unset): the 404 page is
// served at any depth, so it links absolutely.
func (b *builder) basePath() string {
	u, err := url.Parse(b.opt.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}
