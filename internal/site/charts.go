package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/target"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// Charts are described with go-echarts' option types but never rendered by
// go-echarts: its renderer writes options into a <script> unescaped. Here
// the options are marshalled by encoding/json (HTML-safe: <, >, & and
// U+2028/U+2029 become \u escapes) into data files or JSON script blocks,
// and assets/charts.js hands them to ECharts. Options never contain
// JavaScript: tooltip formatters are fixed functions in charts.js that read
// the run data and escape every string they put into the tooltip's HTML.

// chartOption is the top level of an ECharts option object.
type chartOption struct {
	Animation *bool                 `json:"animation,omitempty"`
	UseUTC    bool                  `json:"useUTC,omitempty"`
	Color     []string              `json:"color,omitempty"`
	Grid      []opts.Grid           `json:"grid,omitempty"`
	Legend    *opts.Legend          `json:"legend,omitempty"`
	Tooltip   *opts.Tooltip         `json:"tooltip,omitempty"`
	XAxis     []opts.XAxis          `json:"xAxis,omitempty"`
	YAxis     []yAxis               `json:"yAxis,omitempty"`
	DataZoom  []dataZoom            `json:"dataZoom,omitempty"`
	Dataset   *dataset              `json:"dataset,omitempty"`
	Series    []charts.SingleSeries `json:"series"`
}

// dataZoom adds the wheel settings go-echarts does not model: the wheel
// zooms only with Ctrl held, so scrolling the page over a chart scrolls the
// page.
type dataZoom struct {
	opts.DataZoom
	ZoomOnMouseWheel any   `json:"zoomOnMouseWheel,omitempty"`
	MoveOnMouseWheel *bool `json:"moveOnMouseWheel,omitempty"`
}

// yAxis adds the name's text style go-echarts does not model.
type yAxis struct {
	opts.YAxis
	NameTextStyle map[string]any `json:"nameTextStyle,omitempty"`
}

// dataset names the dimensions of the run rows; charts.js sets its source
// to the data file's runs, so the rows are sent once for all charts.
type dataset struct {
	Dimensions []string `json:"dimensions"`
}

// Colours shared by light and dark mode.
const (
	colMedian     = "#3b82f6"
	colRegression = "#dc2626"
	colBaseline   = "#d97706"
	colTarget     = "#16a34a"
	colAllocs     = "#a855f7"
	colGCOff      = "#64748b"
)

// runRow is one run of one benchmark in a data file: the dataset row of the
// charts and what the tooltips and the distribution chart show. Times are
// in the machine's unit (see machineData.Unit).
type runRow struct {
	I int    `json:"i"` // the run's position in the series (machineData.Total runs)
	N string `json:"n"` // the run number
	// T is the run's time (Unix milliseconds, UTC), the x value of the
	// history charts; nil when the file's datetime cannot be read.
	T        *int64   `json:"t"`
	Label    string   `json:"label"`
	Date     string   `json:"date"`
	Commit   string   `json:"commit"`
	Message  string   `json:"message,omitempty"`
	Branch   string   `json:"branch,omitempty"`
	Dirty    bool     `json:"dirty,omitempty"`
	GCOff    bool     `json:"gcOff,omitempty"` // run with the garbage collector off (options.disable_gc)
	Baseline bool     `json:"baseline,omitempty"`
	Verdict  string   `json:"verdict,omitempty"` // compare.Status vs Against
	Against  string   `json:"against,omitempty"` // the baseline's label
	Change   *float64 `json:"change,omitempty"`  // percent, of the compared field
	Field    string   `json:"field,omitempty"`
	// CILow and CIHigh bound the change's confidence interval (percent)
	// when the run was measured in Pairs process pairs against its
	// baseline's revision; nil for an unpaired comparison.
	CILow  *float64 `json:"ciLow,omitempty"`
	CIHigh *float64 `json:"ciHigh,omitempty"`
	Pairs  int      `json:"pairs,omitempty"`
	Median *float64 `json:"median"`
	Q1     *float64 `json:"q1"`
	IQR    *float64 `json:"iqr"` // q3 − q1, stacked on q1 for the band
	Min    *float64 `json:"min"`
	Range  *float64 `json:"range"` // max − min, stacked on min
	Max    *float64 `json:"max"`
	Mean   *float64 `json:"mean"`
	Stddev *float64 `json:"stddev"`
	Rounds int      `json:"rounds"`
	Iter   int      `json:"iterations"`
	Bytes  *float64 `json:"bytes"`  // B/op
	Allocs *float64 `json:"allocs"` // allocs/op
	// Data are the per-round samples, written only for the runs whose
	// samples the history keeps (the newest run and the baseline it is
	// compared with; see history.Point); charts.js reads any other run's
	// from its result file (Raw) when the reader picks it. Truncated when
	// the file's array was cut short.
	Data      []float64 `json:"data,omitempty"`
	Truncated bool      `json:"truncated,omitempty"`
	Raw       string    `json:"raw"` // path of the result file from the site root
	// ChangePoint is set on the first run after a change point.
	ChangePoint *changeMark `json:"changePoint,omitempty"`
}

// machineData is one machine's history of one benchmark.
type machineData struct {
	ID   string `json:"id"`
	Unit unit   `json:"unit"`
	// Runs are every run of the series, or, for a long one (more than
	// maxRows runs), the runs the charts draw at first: a downsampled
	// series (see longRows), each row's I its position among the Total.
	Runs  []runRow `json:"runs"`
	Total int      `json:"total"`
	// Periods are the files holding every run of a long series,
	// periodRuns at a time, which charts.js fetches for the range the
	// reader zooms into; empty for a short one.
	Periods      []period     `json:"periods,omitempty"`
	History      chartOption  `json:"history"`
	Memory       *chartOption `json:"memory,omitempty"`
	Distribution chartOption  `json:"distribution"`
	// Changes are the series' change points, oldest first (also marked on
	// History).
	Changes []changeMark `json:"changes"`
	// OffChart are the targets too far from the data to draw (for the
	// page's note).
	OffChart []string `json:"-"`
}

// benchData is data/<slug>.json.
type benchData struct {
	Name            string        `json:"name"`
	Fullname        string        `json:"fullname"`
	Group           string        `json:"group"`
	BrowserRunnable bool          `json:"browserRunnable"`
	Machines        []machineData `json:"machines"`
}

// fin returns a pointer to x, or nil (JSON null) when x is not finite:
// encoding/json cannot write NaN or ±Inf.
func fin(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func scaled(x float64, u unit) *float64 { return fin(round6(x * u.Scale)) }

// runRows builds the rows of one series.
func (b *builder) runRows(s *series, u unit) (rows []runRow, hasMem bool) {
	return b.runRowsIn(s, u, 0, len(s.Points))
}

// scanRow is the part of run i's row (runRowsIn) that the history chart's
// marks (chartScan) and the downsampling of a long series (rowMark) read:
// its position, number, date, baseline flag, verdict, collector flag,
// median, min and max.
func scanRow(s *series, u unit, i int) runRow {
	p := &s.Points[i]
	r := runRow{
		I:        i,
		N:        fmt.Sprintf("%04d", p.Run.Number),
		Baseline: p.Run.Baseline,
		Median:   scaled(p.Sum.Median, u),
		Min:      scaled(p.Sum.Min, u),
		Max:      scaled(p.Sum.Max, u),
	}
	r.GCOff, _ = p.Sum.GCDisabled()
	// Run.Time is File.Time(), which Load validated, when the file has a
	// datetime.
	if p.Run.File.Datetime != "" {
		ms := p.Run.Time.UnixMilli()
		r.T = &ms
	}
	if v := p.Verdict(); v.Status != "" {
		r.Verdict = string(v.Status)
	}
	if !inPageUnit(p.Sum.Unit(), u) {
		// As runRowsIn: a run in another unit than the chart's axis has
		// no point.
		r.Median, r.Min, r.Max = nil, nil, nil
	}
	return r
}

// hasMemory reports whether run i of s has B/op or allocs/op.
func hasMemory(s *series, i int) bool {
	_, b := s.Points[i].Sum.BytesPerOp()
	_, a := s.Points[i].Sum.AllocsPerOp()
	return a || b
}

// runRowsIn builds the rows of runs [from, to) of one series (each row's I
// its position in the series): a long series' rows are built a period at a
// time, so they are never all held at once (see benchLong).
func (b *builder) runRowsIn(s *series, u unit, from, to int) (rows []runRow, hasMem bool) {
	rows = make([]runRow, to-from)
	for i := from; i < to; i++ {
		p := &s.Points[i]
		st := p.Sum.Stats()
		ci := p.Run.File.CommitInfo
		r := scanRow(s, u, i)
		r.Label, r.Date = p.Run.Label, p.Run.File.Datetime
		r.Commit, r.Message, r.Branch, r.Dirty = ci.ID, ci.Message, ci.Branch, ci.Dirty
		r.Mean, r.Stddev, r.Range = scaled(st.Mean, u), scaled(st.Stddev, u), scaled(st.Max-st.Min, u)
		r.Rounds, r.Iter = st.Rounds, st.Iterations
		r.Raw = rawPath(p.Run)
		if st.Q1 != 0 || st.Q3 != 0 {
			r.Q1, r.IQR = scaled(st.Q1, u), scaled(st.Q3-st.Q1, u)
		}
		if v, ok := p.Sum.BytesPerOp(); ok {
			r.Bytes, hasMem = fin(v), true
		}
		if v, ok := p.Sum.AllocsPerOp(); ok {
			r.Allocs, hasMem = fin(v), true
		}
		// The samples are there on the points that keep their whole
		// benchmark (history.Point.Bench).
		if p.Bench != nil && len(p.Bench.Stats.Data) > 0 {
			whole := &p.Bench.Stats
			r.Data = make([]float64, len(whole.Data))
			for j, d := range whole.Data {
				r.Data[j] = round6(d * u.Scale)
				if math.IsNaN(r.Data[j]) || math.IsInf(r.Data[j], 0) {
					r.Data[j] = 0
				}
			}
			r.Truncated = whole.Truncated
		}
		if !inPageUnit(p.Sum.Unit(), u) {
			// Another unit than the chart's axis: no point, no
			// distribution (the page's table shows its figures).
			r.Median, r.Q1, r.IQR, r.Min, r.Range, r.Max, r.Mean, r.Stddev, r.Data = nil, nil, nil, nil, nil, nil, nil, nil, nil
		}
		if v := p.Verdict(); v.Status != "" {
			r.Against = p.Run.Base.Label
			r.Change = fin(round6(v.Change))
			r.Field = v.Field
			if v.Paired {
				r.CILow, r.CIHigh, r.Pairs = fin(round6(v.CILow)), fin(round6(v.CIHigh)), v.Pairs
			}
		}
		rows[i-from] = r
	}
	return rows, hasMem
}

func noSymbolLine(x, id, name, stack, y string, area float32) charts.SingleSeries {
	s := charts.SingleSeries{
		Id: id, Name: name, Type: "line", Stack: stack, Color: colMedian,
		Symbol: "none", ShowSymbol: opts.Bool(false),
		Encode:    &opts.Encode{X: x, Y: y},
		LineStyle: &opts.LineStyle{Opacity: opts.Float(0)},
		Emphasis:  &opts.Emphasis{Focus: "none"},
	}
	if area > 0 {
		s.AreaStyle = &opts.AreaStyle{Color: colMedian, Opacity: opts.Float(area)}
	}
	return s
}

// zoom shows the newest 120 runs at first; the slider reaches the rest.
// charts.js drops the "inside" zoom on touch screens, where it would
// take over the page's scrolling.
func zoom(n int) []dataZoom {
	start := float32(0)
	if n > 120 {
		start = float32(100 * (1 - 120/float64(n)))
	}
	no := false
	return []dataZoom{
		{DataZoom: opts.DataZoom{Type: "inside", Start: start, End: 100}, ZoomOnMouseWheel: "ctrl", MoveOnMouseWheel: &no},
		{DataZoom: opts.DataZoom{Type: "slider", Start: start, End: 100}},
	}
}

// xAxisFor is the history charts' x axis: the runs' dates on a time axis
// (so a gap of a month looks like one), or their numbers in order when some
// run has no readable date. key is the run row's field that gives x.
func xAxisFor(rows []runRow) (axis opts.XAxis, key string) {
	for _, r := range rows {
		if r.T == nil {
			return axisFor(true)
		}
	}
	return axisFor(false)
}

// axisFor is xAxisFor of rows of which some (noT) lack a date.
func axisFor(noT bool) (axis opts.XAxis, key string) {
	label := &opts.AxisLabel{HideOverlap: opts.Bool(true)}
	if noT {
		return opts.XAxis{Type: "category", Name: "run", NameLocation: "middle", NameGap: 28, AxisLabel: label}, "n"
	}
	// charts.js makes the labels name the day ("Nov 2"), the month or the
	// year as the zoom requires, never a bare day number.
	return opts.XAxis{Type: "time", Name: "run date (UTC)", NameLocation: "middle", NameGap: 28, AxisLabel: label}, "t"
}

// xOf is r's x value on an axis of key (see xAxisFor).
func xOf(r runRow, key string) any {
	if key == "t" && r.T != nil {
		return *r.T
	}
	return r.N
}

// historyChart is the median line with the q1–q3 and min–max bands, the
// baselines and regressions marked, and the targets as lines, over the
// runs' dates.
func historyChart(rows []runRow, u unit, targets []target.Status, newestBaseline string) (o chartOption, offChart []string) {
	sc := newChartScan(newestBaseline)
	for i := range rows {
		sc.add(&rows[i])
	}
	return sc.chart(u, targets)
}

// chartScan gathers, a row at a time, what historyChart draws of every
// run: the marked runs, the range of the figures and whether every run has
// a date. A long series' rows pass through it a period at a time.
type chartScan struct {
	newestBaseline string
	n              int
	noT            bool
	lo, hi         float64
	// marked are the rows marked on the chart (baselines, regressions,
	// runs with the collector off), the newest baseline's row and the
	// first row, in run order.
	marked []markRow
}

// markRow is what the chart takes of a marked row.
type markRow struct {
	I                              int
	N                              string
	T                              *int64
	Median                         *float64
	Baseline, Regression, GCOff, F bool // F: the first row
}

func newChartScan(newestBaseline string) *chartScan {
	return &chartScan{newestBaseline: newestBaseline, lo: math.Inf(1), hi: math.Inf(-1)}
}

// add takes the next row, in run order.
func (c *chartScan) add(r *runRow) {
	if r.T == nil {
		c.noT = true
	}
	if r.Min != nil {
		c.lo = math.Min(c.lo, *r.Min)
	}
	if r.Max != nil {
		c.hi = math.Max(c.hi, *r.Max)
	}
	m := markRow{I: r.I, N: r.N, T: r.T, Median: r.Median, Baseline: r.Baseline,
		Regression: r.Verdict == string(compare.Regression), GCOff: r.GCOff, F: c.n == 0}
	if m.F || (r.Median != nil && (m.Baseline || m.Regression || m.GCOff)) || (c.newestBaseline != "" && r.N == c.newestBaseline) {
		c.marked = append(c.marked, m)
	}
	c.n++
}

// x is m's x value on an axis of key (as xOf).
func (m *markRow) x(key string) any {
	if key == "t" && m.T != nil {
		return *m.T
	}
	return m.N
}

// chart is the history chart of the rows added.
func (c *chartScan) chart(u unit, targets []target.Status) (o chartOption, offChart []string) {
	xAxis, x := axisFor(c.noT)
	newestBaseline := c.newestBaseline
	// The marks carry their run's index third, for the tooltip and clicks.
	var baseData, regData, gcData []any
	lo, hi := c.lo, c.hi
	for _, r := range c.marked {
		if r.Median == nil {
			continue
		}
		if r.Baseline {
			baseData = append(baseData, []any{r.x(x), *r.Median, r.I})
		}
		if r.Regression {
			regData = append(regData, []any{r.x(x), *r.Median, r.I})
		}
		if r.GCOff {
			gcData = append(gcData, []any{r.x(x), *r.Median, r.I})
		}
	}
	median := charts.SingleSeries{
		Id: "median", Name: "median", Type: "line",
		Symbol: "circle", SymbolSize: 5, Color: colMedian,
		Encode:    &opts.Encode{X: x, Y: "median"},
		LineStyle: &opts.LineStyle{Width: 2, Color: colMedian},
	}
	// The bands' legend entries are swatches of their own shade, not the
	// median's dot.
	band := func(name string, opacity float64) map[string]any {
		return map[string]any{"name": name, "icon": "roundRect", "itemStyle": map[string]any{"color": colMedian, "opacity": opacity}}
	}
	legend := []any{"median", band("q1–q3", 0.45), band("min–max", 0.2), "baseline", "regression"}
	var marks, reach []any
	for _, t := range targets {
		// A target far from the data would squash the history into a flat
		// line; it is drawn (and the axis stretched to it) only when it is
		// within 3× of the data's range. The page states it either way.
		limit, bound := t.Limit*u.Scale, t.Bound()*u.Scale
		if !(limit <= 3*hi && bound >= lo/3) {
			offChart = append(offChart, t.Target.String())
			continue
		}
		// ECharts scales the axis to series data only, not to mark
		// lines: an invisible point at each line stretches it.
		if c.n > 0 {
			first := c.marked[0]
			reach = append(reach, []any{first.x(x), round6(limit)}, []any{first.x(x), round6(bound)})
		}
		marks = append(marks,
			map[string]any{"name": "target", "yAxis": round6(t.Limit * u.Scale),
				"lineStyle": map[string]any{"color": colTarget, "type": "dashed", "width": 1.5},
				"label":     map[string]any{"formatter": "target " + t.Target.String(), "position": "insideEndTop"}},
		)
		if t.Excess > 0 {
			marks = append(marks,
				map[string]any{"name": "limit", "yAxis": round6(t.Bound() * u.Scale),
					"lineStyle": map[string]any{"color": colTarget, "type": "dotted", "width": 1},
					"label":     map[string]any{"formatter": "limit " + timefmt.Short(t.Bound()), "position": "insideEndBottom"}},
			)
		}
	}
	if newestBaseline != "" {
		var at any = newestBaseline
		for _, r := range c.marked {
			if r.N == newestBaseline {
				at = r.x(x)
			}
		}
		marks = append(marks, map[string]any{"name": "newest baseline", "xAxis": at,
			"lineStyle": map[string]any{"color": colBaseline, "type": "solid", "width": 1},
			"label":     map[string]any{"formatter": "newest baseline", "position": "insideEndBottom"}})
	}
	if len(marks) > 0 {
		median.MarkLines = &opts.MarkLines{Data: marks, MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"}}}
	}
	o = chartOption{
		Animation: animate(c.n), UseUTC: true,
		Grid:     []opts.Grid{{Left: "12", Right: "36", Top: "60", Bottom: "84", ContainLabel: opts.Bool(true)}},
		Legend:   &opts.Legend{Type: "plain", Data: legend, Top: "4", Left: "center"},
		Tooltip:  &opts.Tooltip{Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "line"}},
		XAxis:    []opts.XAxis{xAxis},
		YAxis:    []yAxis{yAxisNamed(u.Name, false, false)},
		DataZoom: zoom(c.n),
		Dataset:  &dataset{Dimensions: []string{x, "median", "q1", "iqr", "min", "range"}},
		Series: []charts.SingleSeries{
			noSymbolLine(x, "minbase", "", "mm", "min", 0),
			noSymbolLine(x, "range", "min–max", "mm", "range", 0.12),
			noSymbolLine(x, "q1base", "", "iqr", "q1", 0),
			noSymbolLine(x, "iqr", "q1–q3", "iqr", "iqr", 0.3),
			median,
			{Id: "baseline", Name: "baseline", Type: "scatter", Symbol: "diamond", SymbolSize: 11,
				Color: colBaseline, Data: nonNil(baseData)},
			{Id: "regression", Name: "regression", Type: "scatter", Symbol: "triangle", SymbolSize: 12,
				Color: colRegression, Data: nonNil(regData)},
			{Id: "reach", Type: "scatter", SymbolSize: 0, Data: nonNil(reach)},
		},
	}
	if len(gcData) > 0 {
		// Runs with the collector off (--disable-gc) do not measure the
		// same thing as the others: an open square marks them, only on a
		// history that has some.
		o.Series = append(o.Series, charts.SingleSeries{Id: "gcoff", Name: "GC off", Type: "scatter", Symbol: "emptyRect", SymbolSize: 11,
			Color: colGCOff, Data: gcData})
		o.Legend.Data = append(legend, "GC off")
	}
	return o, offChart
}

// nonNil keeps an empty series as [] rather than omitting its data.
func nonNil(d []any) []any {
	if d == nil {
		return []any{}
	}
	return d
}

func animate(n int) *bool {
	if n > 300 {
		f := false
		return &f
	}
	return nil
}

// yAxisNamed is a value axis with its name above it, aligned inwards so
// the chart's edge does not clip it. The history's time axis starts where
// the data are (a change of a few percent must show, and the q1–q3 band
// shows the noise beside it); the memory axes start at zero (fromZero), so
// a small change looks small.
func yAxisNamed(name string, right, fromZero bool) yAxis {
	align := "left"
	if right {
		align = "right"
	}
	a := yAxis{YAxis: opts.YAxis{Type: "value", Name: name}, NameTextStyle: map[string]any{"align": align}}
	if fromZero {
		a.Min = 0
	} else {
		a.Scale = opts.Bool(true)
	}
	return a
}

// memoryChart is B/op and allocs/op over the runs, on two axes that start
// at zero.
func memoryChart(rows []runRow) chartOption {
	xAxis, x := xAxisFor(rows)
	bytesAxis, allocsAxis := yAxisNamed("B/op", false, true), yAxisNamed("allocs/op", true, true)
	allocsAxis.SplitLine = &opts.SplitLine{Show: opts.Bool(false)}
	return chartOption{
		Animation: animate(len(rows)), UseUTC: true,
		Grid:     []opts.Grid{{Left: "12", Right: "36", Top: "60", Bottom: "84", ContainLabel: opts.Bool(true)}},
		Legend:   &opts.Legend{Type: "plain", Data: []string{"B/op", "allocs/op"}, Top: "4", Left: "center"},
		Tooltip:  &opts.Tooltip{Trigger: "axis"},
		XAxis:    []opts.XAxis{xAxis},
		YAxis:    []yAxis{bytesAxis, allocsAxis},
		DataZoom: zoom(len(rows)),
		Dataset:  &dataset{Dimensions: []string{x, "bytes", "allocs"}},
		Series: []charts.SingleSeries{
			{Id: "bytes", Name: "B/op", Type: "line", Symbol: "circle", SymbolSize: 4, Color: colMedian,
				Encode: &opts.Encode{X: x, Y: "bytes"}, ConnectNulls: opts.Bool(true)},
			{Id: "allocs", Name: "allocs/op", Type: "line", Symbol: "rect", SymbolSize: 4, Color: colAllocs, YAxisIndex: 1,
				Encode: &opts.Encode{X: x, Y: "allocs"}, ConnectNulls: opts.Bool(true)},
		},
	}
}

// distributionChart is the frame of the histograms of one run's samples
// and its baseline's, overlaid on the same bins (as Criterion draws a
// change); charts.js picks the runs and bins their data into it. Heights
// are shares of each run's rounds, so runs of different lengths compare.
func distributionChart(u unit) chartOption {
	return chartOption{
		Grid:    []opts.Grid{{Left: "12", Right: "24", Top: "56", Bottom: "44", ContainLabel: opts.Bool(true)}},
		Legend:  &opts.Legend{Type: "plain", Top: "4", Left: "center"},
		Tooltip: &opts.Tooltip{Trigger: "axis"},
		XAxis: []opts.XAxis{{Type: "category", Name: u.Name + " per iteration", NameLocation: "middle", NameGap: 28,
			AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true)}}},
		YAxis: []yAxis{{YAxis: opts.YAxis{Type: "value", Name: "% of rounds"}, NameTextStyle: map[string]any{"align": "left"}}},
		Series: []charts.SingleSeries{
			{Id: "base", Name: "baseline", Type: "bar", Color: colBaseline, BarCategoryGap: "4%", Data: []any{},
				ItemStyle: &opts.ItemStyle{Opacity: opts.Float(0.45)}},
			{Id: "hist", Name: "this run", Type: "bar", Color: colMedian, BarGap: "-100%", BarCategoryGap: "4%", Data: []any{},
				ItemStyle: &opts.ItemStyle{Opacity: opts.Float(0.6)}},
		},
	}
}

// compareChart is the change of each benchmark's compared field as bars,
// coloured by verdict; rows are in the report's order (top to bottom).
func compareChart(rep *compare.Report) chartOption {
	names := make([]string, 0, len(rep.Rows))
	data := make([]any, 0, len(rep.Rows))
	for i := len(rep.Rows) - 1; i >= 0; i-- { // category axes draw bottom-up
		row := rep.Rows[i]
		names = append(names, row.Name)
		col := "#64748b"
		switch row.Status {
		case compare.Regression:
			col = colRegression
		case compare.Improvement:
			col = colTarget
		case compare.Noise:
			col = "#94a3b8"
		}
		var v any
		if p := fin(round6(row.Change)); p != nil {
			v = *p
		}
		data = append(data, map[string]any{"value": v, "itemStyle": map[string]any{"color": col}})
	}
	axisName := "change (%)"
	if f := compareField(rep); f != "" {
		axisName = "change " + f + " (%)"
	}
	// charts.js narrows the labels on a small screen.
	return chartOption{
		Grid:    []opts.Grid{{Left: "8", Right: "24", Top: "8", Bottom: "40", ContainLabel: opts.Bool(true)}},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		XAxis: []opts.XAxis{{Type: "value", Name: axisName, NameLocation: "middle", NameGap: 26,
			AxisLabel: &opts.AxisLabel{HideOverlap: opts.Bool(true)}}},
		YAxis: []yAxis{{YAxis: opts.YAxis{Type: "category", Data: names,
			AxisLabel: &opts.AxisLabel{Width: 220, Overflow: "truncate"}}}},
		Series: []charts.SingleSeries{{Id: "change", Name: "change", Type: "bar", Data: data}},
	}
}

// compareField names the field the rows compare ("of the mean"), or ""
// when rows compare different fields.
func compareField(rep *compare.Report) string {
	f := ""
	for _, r := range rep.Rows {
		if r.Field == "" {
			continue
		}
		if f != "" && f != r.Field {
			return ""
		}
		f = r.Field
	}
	if f == "" {
		return ""
	}
	return "of the " + f
}

// marshal encodes v as HTML-safe JSON (encoding/json escapes <, >, &,
// U+2028 and U+2029), without a trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true) // the default; stated because safety depends on it
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return cleanJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}
