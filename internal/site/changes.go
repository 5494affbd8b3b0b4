package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/numfmt"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/textenc"
)

// Change points (package history finds them) on the site: marks on each
// history chart, the Changes page, the Atom feed of regressions and the
// SVG badges. Everything here is rendering.

// ChangeRow is one change point as the Changes page and the benchmark
// pages show it.
type ChangeRow struct {
	// ID is stable across builds (history.Change.ID); also the feed
	// entry's id.
	ID string
	// Anchor is the row's id on the Changes page ("change-<hex>").
	Anchor                  string
	Name, Fullname, Machine string
	URL                     string // the benchmark page, from the root
	Run                     RunRef // the first run after the change
	// Before and After are the medians (seconds) on each side; Percent the
	// change in percent; Direction "regression" or "improvement".
	Before, After float64
	// BeforeText and AfterText are set, with the unit, when the series is
	// not in seconds (imported rates or counts: "3.377e+09 ops/s").
	BeforeText, AfterText string
	Percent               float64
	Direction             string
	P                     float64
	// Latest: the newest change of its series (its level still holds);
	// Open: an open regression (history.Change.Open with
	// history.RecentRuns, the rule `benchsite changes` fails on).
	Latest, Open bool
	// Age is the number of the machine's runs after Run.
	Age int
	// DriftTo is the first run after the last change point of a slow
	// drift (history.Change.Drift) and Steps the change points merged
	// into it; nil and 1 for a step.
	DriftTo *RunRef
	Steps   int
	// Paired is the paired verdict that bears on the change, nil when
	// none does: it confirms the change (Confirmed) or makes it doubtful
	// (Doubtful; then not open).
	Paired              *PairedRef
	Confirmed, Doubtful bool
}

// PairedRef is a paired verdict as the Changes page shows it: the run
// that stored it, its status and its change with the confidence interval
// (compare.FormatInterval; the change alone when there is no interval).
type PairedRef struct {
	Run      RunRef
	Status   string
	Interval string
	Pairs    int
}

// ChangesPage is changes.html: all change points, newest first,
// regressions and improvements apart.
type ChangesPage struct {
	Regressions, Improvements []ChangeRow
	// Machines and Groups are the filter's choices.
	Machines []string
	// Feed is the Atom feed's path from the root.
	Feed string
	// Recent is how many of its machine's newest runs a regression stays
	// open (history.RecentRuns).
	Recent int
}

// changeMark is a change point in a benchmark's chart data (times in the
// machine's unit): the mark line on the history chart and the tooltip of
// its run.
type changeMark struct {
	N string `json:"n"` // the run number ("0031")
	// X is the run's x value on the history chart's axis (see xAxisFor):
	// its time (Unix milliseconds) on a time axis, else N.
	X         any      `json:"x"`
	Date      string   `json:"date"` // the run's datetime as stored ("" when none)
	Label     string   `json:"label"`
	Commit    string   `json:"commit"`
	URL       string   `json:"url,omitempty"` // the commit's page, when linkable
	Before    *float64 `json:"before"`
	After     *float64 `json:"after"`
	Percent   *float64 `json:"percent"`
	Direction string   `json:"direction"`
	P         float64  `json:"p"`
	// Evidence is what besides the medians bears on the change, as the
	// terminal's Evidence column says it (report.Evidence: a slow drift
	// and its last run, a paired verdict that confirms it or makes it
	// doubtful); "" when nothing does.
	Evidence string `json:"evidence,omitempty"`
}

// feedPath is the Atom feed's path from the site root.
const feedPath = "changes.xml"

func (b *builder) changeRow(c *history.Change) ChangeRow {
	row := ChangeRow{
		// Names shown (page, filter attributes, feed) have their control
		// characters replaced; the link and the id use the stored names.
		ID: c.ID(), Anchor: "change-" + strings.TrimPrefix(c.ID(), "urn:benchsite:change:"),
		Name: textenc.Printable(c.Series.Benchmark.Name, '\uFFFD'), Fullname: textenc.Printable(c.Series.Benchmark.Fullname, '\uFFFD'),
		Machine: c.Series.Machine.ID, Run: b.runRef(c.Run),
		Before: c.Before, After: c.After, Percent: c.Percent, Direction: string(c.Direction),
		P: c.PValue, Open: c.Open(history.RecentRuns), Age: c.Age,
		Latest: c.Latest(), Steps: c.Steps, Confirmed: c.Confirmed, Doubtful: c.Doubtful,
	}
	if c.Drift() {
		r := b.runRef(c.Last)
		row.DriftTo = &r
	}
	if p := c.Paired; p != nil {
		v := p.Verdict
		row.Paired = &PairedRef{Run: b.runRef(p.Run), Status: v.PairedVerdict,
			Interval: compare.FormatChange(v.Change, v.CILow, v.CIHigh), Pairs: v.Pairs}
	}
	if bn := b.byFull[c.Series.Benchmark.Fullname]; bn != nil {
		row.URL = b.benchURL(bn)
	}
	if name := c.Series.Points[c.Index].Sum.Unit(); name != "" {
		row.BeforeText, row.AfterText = figure(name, c.Before), figure(name, c.After)
	}
	return row
}

func (b *builder) changesPage() *ChangesPage {
	p := &ChangesPage{Feed: feedPath, Recent: history.RecentRuns}
	for _, c := range b.hist.Changes() {
		row := b.changeRow(c)
		if c.Direction == history.Regression {
			p.Regressions = append(p.Regressions, row)
		} else {
			p.Improvements = append(p.Improvements, row)
		}
	}
	for _, m := range b.machines {
		p.Machines = append(p.Machines, m.ID)
	}
	return p
}

// seriesChanges are a series' change points for its benchmark page, newest
// first.
func (b *builder) seriesChanges(s *series) []ChangeRow {
	var out []ChangeRow
	for i := len(s.Changes) - 1; i >= 0; i-- {
		out = append(out, b.changeRow(s.Changes[i]))
	}
	return out
}

// addChangeMarks puts a series' change points into its chart data: a mark
// line at each first run after a change on the history chart's median
// series (labelled with the step, "drift" for a slow drift, "(paired)" or
// "(doubtful)" when a paired verdict confirms or doubts it, dashed then;
// coloured by direction; charts.js opens the commit on a click), and the
// change with its evidence on that run's row, for its tooltip.
func (b *builder) addChangeMarks(md *machineData, s *series, u unit) {
	rowOf := map[string]int{}
	for i := range md.Runs {
		rowOf[md.Runs[i].Label] = i
	}
	// The mark goes where the run's point is: at its time on a time axis.
	_, key := xAxisFor(md.Runs)
	var lines []any
	for _, c := range s.Changes {
		cm := &changeMark{
			N: fmt.Sprintf("%04d", c.Run.Number), Date: c.Run.File.Datetime, Label: c.Run.Label,
			Commit: c.Run.File.CommitInfo.ID, URL: commitURL(b.opt.RepoURL, c.Run.File.CommitInfo.ID),
			Before: scaled(c.Before, u), After: scaled(c.After, u), Percent: fin(round6(c.Percent)),
			Direction: string(c.Direction), P: round6(c.PValue), Evidence: report.Evidence(c),
		}
		cm.X = cm.N
		if i, ok := rowOf[c.Run.Label]; ok {
			cm.X = xOf(md.Runs[i], key)
			md.Runs[i].ChangePoint = cm
		}
		md.Changes = append(md.Changes, *cm)
		col := colImprovement
		if c.Direction == history.Regression {
			col = colRegression
		}
		// The label says a drift and a paired verdict's say; a doubtful
		// change's line is dashed.
		label, style := numfmt.Percent(c.Percent), "solid"
		if c.Drift() {
			label = "drift " + label
		}
		switch {
		case c.Confirmed:
			label += " (paired)"
		case c.Doubtful:
			label, style = label+" (doubtful)", "dashed"
		}
		line := map[string]any{
			"name": "change", "xAxis": cm.X, "run": cm.N, "direction": cm.Direction,
			"lineStyle": map[string]any{"color": col, "type": style, "width": 2},
			"label":     map[string]any{"formatter": label, "position": "insideEndTop", "color": col},
		}
		if cm.URL != "" {
			line["url"] = cm.URL
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return
	}
	for i := range md.History.Series {
		ser := &md.History.Series[i]
		if ser.Id != "median" {
			continue
		}
		if ser.MarkLines == nil {
			ser.MarkLines = &opts.MarkLines{MarkLineStyle: opts.MarkLineStyle{Symbol: []string{"none", "none"}}}
		}
		ser.MarkLines.Data = append(ser.MarkLines.Data, lines...)
	}
}

// colImprovement colours improvements (regressions are colRegression).
const colImprovement = "#16a34a"

// ---- the Atom feed (RFC 4287) of regressions ----

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

// feed renders the Atom feed of every detected regression, newest first.
// Entry ids are the changes' stable ids, so a feed reader shows a
// regression once however often the site is rebuilt; an entry's <updated>
// is the date of its first run, or of the newer run that changed it (a
// drift's last change point, a paired run); the feed's is that of the
// history's newest run (no build time, so the same history gives the same
// bytes). Links are absolute when the base URL is.
func (b *builder) feed() ([]byte, error) {
	abs := func(p string) string {
		if c := b.canonical(p); c != "" {
			return c
		}
		return p
	}
	f := atomFeed{
		Title:  b.site.Title + " — performance regressions",
		ID:     feedID(b.canonical(feedPath), b.opt.RepoURL, b.hist),
		Author: atomAuthor{Name: "benchsite"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: abs(feedPath)},
			{Rel: "alternate", Type: "text/html", Href: abs("changes.html")},
		},
	}
	newest := time.Time{}
	for _, c := range b.hist.Changes() {
		if c.Direction != history.Regression {
			continue
		}
		row := b.changeRow(c)
		// The entry changes when a drift reaches a later run or a paired
		// run confirms or doubts it: its reader should see it again.
		at := c.Run.Time
		if c.Drift() && c.Last != nil && c.Last.Time.After(at) {
			at = c.Last.Time
		}
		if c.Paired != nil && c.Paired.Run.Time.After(at) {
			at = c.Paired.Run.Time
		}
		if at.IsZero() {
			at = time.Unix(0, 0)
		}
		if at.After(newest) {
			newest = at
		}
		before, after := row.BeforeText, row.AfterText // in the benchmark's unit
		if before == "" {
			before, after = seconds(row.Before), seconds(row.After)
		}
		// The title says what the chart's mark says: a drift, a paired
		// verdict's confirmation or doubt.
		step := numfmt.Percent(row.Percent)
		if row.DriftTo != nil {
			step = "drift " + step
		}
		note := ""
		switch {
		case row.Paired != nil && row.Confirmed:
			note = ", confirmed by a paired run"
		case row.Paired != nil && row.Doubtful:
			note = ", doubtful: a paired run found no such change"
		}
		e := atomEntry{
			Title: fmt.Sprintf("%s on %s: %s (%s → %s)%s", row.Name, row.Machine, step, before, after, note),
			ID:    row.ID, Updated: at.UTC().Format(time.RFC3339),
			Summary: fmt.Sprintf("The median of %s on %s changed by %s at run %s (commit %s), from %s to %s; permutation test p = %s.",
				row.Fullname, row.Machine, numfmt.Percent(row.Percent), row.Run.Label, orMissing(row.Run.Commit),
				before, after, numfmt.PValue(row.P)),
		}
		if row.DriftTo != nil {
			e.Summary += fmt.Sprintf(" A slow drift over %d change points, to run %s.", row.Steps, row.DriftTo.Label)
		}
		switch p := row.Paired; {
		case p != nil && row.Confirmed:
			e.Summary += fmt.Sprintf(" Confirmed by the paired run %s: %s.", p.Run.Label, p.Interval)
		case p != nil && row.Doubtful:
			e.Summary += fmt.Sprintf(" Doubtful: the paired run %s found %s, %s.", p.Run.Label, p.Status, p.Interval)
		}
		if row.URL != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: abs(row.URL)})
		} else {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: abs("changes.html")})
		}
		if row.Run.CommitURL != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Href: row.Run.CommitURL})
		}
		f.Entries = append(f.Entries, e)
	}
	// The feed is as of the history's newest run: every run may move the
	// entries' figures, and the date never goes back as runs are added
	// (the newest entry's date would, when a change point is merged into
	// a drift or no longer found).
	for _, m := range b.hist.Machines {
		for _, r := range m.Runs {
			if r.Time.After(newest) {
				newest = r.Time
			}
		}
	}
	if newest.IsZero() {
		newest = time.Unix(0, 0)
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("site: feed: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// feedID is the feed's absolute URL when the site has one; else an id
// derived from the repository URL, or else from the history's first run
// (machine, label, commit). It never depends on the site's title, so a
// renamed site keeps its feed.
func feedID(canonical, repoURL string, h *history.History) string {
	if canonical != "" {
		return canonical
	}
	key := "repo\x00" + repoURL
	if repoURL == "" {
		var first *history.Run
		for _, m := range h.Machines {
			for _, r := range m.Runs {
				if first == nil || r.Time.Before(first.Time) ||
					r.Time.Equal(first.Time) && (r.Machine.ID < first.Machine.ID || r.Machine == first.Machine && r.Number < first.Number) {
					first = r
				}
			}
		}
		key = "history"
		if first != nil {
			key += "\x00" + first.Machine.ID + "\x00" + first.Label + "\x00" + first.File.CommitInfo.ID
		}
	}
	sum := sha256.Sum256([]byte(key))
	return "urn:benchsite:feed:" + hex.EncodeToString(sum[:16])
}

func orMissing(s string) string {
	if s == "" {
		return numfmt.Missing
	}
	return s
}

// ---- SVG badges ----

// badge draws a two-part badge ("label | value") in the usual flat style.
// Both texts are untrusted: control and format characters become U+FFFD
// (safeText), they are XML-escaped and clipped; the widths
// are estimated from the character count (about 7 px per character of
// 11 px Verdana), which is what such badges do without a font at hand.
func badge(label, value, color string) []byte {
	label, value = clipRunes(safeText(label), 60), clipRunes(safeText(value), 40)
	lw := textWidth(label) + 10
	vw := textWidth(value) + 10
	w := lw + vw
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">`, w, xmlText(label), xmlText(value))
	fmt.Fprintf(&b, `<title>%s: %s</title>`, xmlText(label), xmlText(value))
	fmt.Fprintf(&b, `<linearGradient id="s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`)
	fmt.Fprintf(&b, `<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>`, w)
	fmt.Fprintf(&b, `<g clip-path="url(#r)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>`, lw, lw, vw, color, w)
	fmt.Fprintf(&b, `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`)
	fmt.Fprintf(&b, `<text x="%d" y="14">%s</text><text x="%d" y="14">%s</text></g></svg>`, lw/2, xmlText(label), lw+vw/2, xmlText(value))
	b.WriteByte('\n')
	return b.Bytes()
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // also turns characters XML cannot hold into U+FFFD
	return b.String()
}

func textWidth(s string) int { return int(math.Ceil(7 * float64(len([]rune(s))))) }

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Badge colours.
const (
	badgeRed   = "#e05d44"
	badgeGreen = "#44cc11"
	badgeGrey  = "#9f9f9f"
	badgeBlue  = "#007ec6"
)

// badgeRecent is how many runs a change stays the badge's trend: as long
// as a regression stays open.
const badgeRecent = history.RecentRuns

// benchBadge is badges/<slug>.svg: the benchmark's newest median (on the
// machine with the newest run of it) and its trend: the newest change point
// when it is among the series' last badgeRecent runs (red up for a
// regression, green down for an improvement, grey and "doubtful" when a
// paired run doubts it), else steady.
func (b *builder) benchBadge(bn *bench) []byte {
	var s *series
	for _, x := range bn.Series {
		if x != nil && (s == nil || x.Latest().Run.Time.After(s.Latest().Run.Time)) {
			s = x
		}
	}
	if s == nil {
		return badge(bn.Name, "no runs", badgeGrey)
	}
	latest := s.Latest()
	value := figure(latest.Sum.Unit(), latest.Sum.Median)
	color := badgeBlue
	if n := len(s.Changes); n > 0 && s.Changes[n-1].Age < badgeRecent {
		c := s.Changes[n-1]
		switch {
		case c.Doubtful:
			// Not open (history.Change.Open): a paired run found no
			// such change. Grey, as the status badge does not count it.
			arrow := " ↓ "
			if c.Direction == history.Regression {
				arrow = " ↑ "
			}
			value += arrow + numfmt.Percent(c.Percent) + " doubtful"
			color = badgeGrey
		case c.Direction == history.Regression:
			value += " ↑ " + numfmt.Percent(c.Percent)
			color = badgeRed
		default:
			value += " ↓ " + numfmt.Percent(c.Percent)
			color = badgeGreen
		}
	} else {
		value += " →"
	}
	return badge(bn.Name, value, color)
}

// statusBadge is badges/status.svg: the number of open regressions
// (history.Change.Open with history.RecentRuns: what `benchsite changes`
// fails on by default).
func (b *builder) statusBadge() []byte {
	n := len(history.OpenRegressions(b.hist.Changes(), history.RecentRuns))
	switch n {
	case 0:
		return badge("regressions", "none open", badgeGreen)
	case 1:
		return badge("regressions", "1 open", badgeRed)
	}
	return badge("regressions", fmt.Sprintf("%d open", n), badgeRed)
}

// writeChanges writes the Changes page, the feed and the badges.
func (b *builder) writeChanges() error {
	if err := b.page("changes.html", "changes.html", &Page{Key: "changes", Title: "Changes", Changes: b.changesPage()}); err != nil {
		return err
	}
	feed, err := b.feed()
	if err != nil {
		return err
	}
	if err := b.writeFile(feedPath, feed); err != nil {
		return err
	}
	if err := b.writeFile("badges/status.svg", b.statusBadge()); err != nil {
		return err
	}
	for _, bn := range b.benches {
		// The slug is [a-z0-9-] only (see slug): a safe file name.
		if err := b.writeFile("badges/"+bn.Slug+".svg", b.benchBadge(bn)); err != nil {
			return err
		}
	}
	return nil
}
