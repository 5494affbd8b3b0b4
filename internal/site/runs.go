package site

import (
	"crypto/sha256"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"strconv"
)

// A benchmark's runs table is paged so that no page grows with the history
// and adding a run changes as few files as possible. Pages are counted
// from the oldest run: page k holds runs runsPerPage·(k−1)+1 … runsPerPage·k
// of the series (on one machine), so a page, once full, never changes. The
// newest page, full or not, is the table on the benchmark page itself; the
// older ones are pages of their own,
//
//	bench/<slug>/<machine>/runs-NNNN.html   (NNNN = k, from 0001)
//
// linked from the benchmark page ("older runs") and from each other,
// plain links that need no JavaScript. An added run changes the benchmark
// page only, except when it starts a new page: the page it completed then
// becomes a page of its own, and the one before it, whose "newer runs" link
// led to the benchmark page, links to it instead.

// runsPerPage is the number of runs on one page of a runs table.
const runsPerPage = 100

// RunsPage is an older page of a benchmark's runs table on one machine.
type RunsPage struct {
	Name, Fullname, Group string
	// BenchURL is the benchmark page, relative to this page.
	BenchURL string
	Machine  string
	// Unit is the unit of the figures: that suiting the page's newest
	// run (so a full page never changes), which may differ from the
	// benchmark page's. Harness, ShowOPS and HasMemory are as on the
	// benchmark page (BenchMachine).
	Unit               string
	Harness            string
	ShowOPS, HasMemory bool
	// Runs are the page's runs, newest first.
	Runs []RunRow
	Nav  *RunsNav
}

// RunsNav places a page of a runs table among the others. Links are
// relative to the page that shows the table; "" when there is none.
type RunsNav struct {
	// First and Last are the runs shown, counted from 1 for the series'
	// oldest run.
	First, Last int
	// Newer is the next newer page; NewerFirst and NewerLast its runs,
	// 0 when it is the benchmark page (whose newest page keeps growing).
	Newer                 string
	NewerFirst, NewerLast int
	// Older is the next older page (always full: runs OlderFirst …
	// OlderLast); Oldest the first page, when it is not Older.
	Older                 string
	OlderFirst, OlderLast int
	Oldest                string
}

// runsPages is the number of pages of a runs table of n runs (at least 1).
func runsPages(n int) int { return max(1, (n+runsPerPage-1)/runsPerPage) }

// runsFile is the file name of page k of a runs table.
func runsFile(k int) string { return fmt.Sprintf("runs-%04d.html", k) }

// runsPath is the site path of page k of bench slug's runs table on machine.
func runsPath(slug, machine string, k int) string {
	return "bench/" + slug + "/" + machine + "/" + runsFile(k)
}

// runsNav is the navigation of page k of pages of a runs table of n runs;
// dir leads from the page showing the table to the folder of the older
// pages ("" from one of them), bench from one of them to the benchmark page.
func runsNav(k, pages, n int, dir, bench string) *RunsNav {
	nav := &RunsNav{First: runsPerPage*(k-1) + 1, Last: min(runsPerPage*k, n)}
	if k > 1 {
		nav.Older = dir + runsFile(k-1)
		nav.OlderFirst, nav.OlderLast = runsPerPage*(k-2)+1, runsPerPage*(k-1)
	}
	if k > 2 {
		nav.Oldest = dir + runsFile(1)
	}
	switch {
	case k+1 < pages:
		nav.Newer = runsFile(k + 1)
		nav.NewerFirst, nav.NewerLast = runsPerPage*k+1, runsPerPage*(k+1)
	case k < pages:
		nav.Newer = bench
	}
	return nav
}

// benchRuns fills the benchmark page's runs table of series s, in unit u:
// the newest page, and the run picker's newest tableRuns runs.
func (b *builder) benchRuns(bm *BenchMachine, slug string, s *series, u unit) {
	n := len(s.Points)
	pages := runsPages(n)
	first := runsPerPage * (pages - 1)
	for i := n - 1; i >= 0 && i >= n-tableRuns; i-- {
		rr := b.runRow(s.Points[i], u)
		rr.Index = i
		bm.Recent = append(bm.Recent, rr)
		if i >= first {
			bm.Runs = append(bm.Runs, rr)
		}
	}
	if pages > 1 {
		bm.Nav = runsNav(pages, pages, n, slug+"/"+url.PathEscape(s.Machine.ID)+"/", "")
	}
}

// writeRunsPages writes the older pages of bn's runs tables (bp is its
// page, with the profiles found).
func (b *builder) writeRunsPages(bn *bench, bp *BenchPage) error {
	return eachMachine(bn, bp, func(s *series, bm *BenchMachine) error {
		pages := runsPages(len(s.Points))
		for pg := 1; pg < pages; pg++ {
			if err := b.writeRunsPage(bn, s, bm, pg, pages); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachMachine calls f with each series of bn that has runs and its
// machine's section of bn's page bp (bp.Machines is in the order of those
// series), until f returns an error.
func eachMachine(bn *bench, bp *BenchPage, f func(s *series, bm *BenchMachine) error) error {
	k := 0
	for _, s := range bn.Series {
		if s == nil {
			continue
		}
		bm := &bp.Machines[k]
		k++
		if err := f(s, bm); err != nil {
			return err
		}
	}
	return nil
}

// writeRunsPage writes page k of the runs table of series s of bn, or
// links the earlier build's when what it is made from is unchanged
// (runsKey): its rows are then not even made.
func (b *builder) writeRunsPage(bn *bench, s *series, bm *BenchMachine, k, pages int) error {
	p := runsPath(bn.Slug, s.Machine.ID, k)
	nav := runsNav(k, pages, len(s.Points), "", "../../"+bn.Slug+".html")
	from, to := nav.First-1, nav.Last
	// The page's figures are in the unit of its own newest run, not the
	// series' newest as on the benchmark page: a full page then never
	// changes, even when a new run's median crosses to another unit.
	last := s.Points[to-1].Sum
	u := unitNamed(last.Unit(), last.Median)
	rp := &RunsPage{
		Name: bn.Name, Fullname: bn.Fullname, Group: bn.Group, BenchURL: "../../" + bn.Slug + ".html",
		Machine: s.Machine.ID, Unit: u.Name, Harness: bm.Harness, ShowOPS: bm.ShowOPS, HasMemory: bm.HasMemory,
		Nav: nav,
	}
	pg := &Page{Key: "bench", Title: fmt.Sprintf("%s, runs %d–%d", bn.Name, nav.First, nav.Last), Runs: rp}
	b.frame(p, pg)
	key := b.runsKey(pg, s, bm, u, from, to)
	return b.render(p, "runs.html", pg, key, func() {
		for i := to - 1; i >= from; i-- {
			rr := b.runRow(s.Points[i], u)
			rr.Index = i
			rr.Profile = bm.profiles[i]
			rp.Runs = append(rp.Runs, rr)
		}
	})
}

// runsKey is the key of an older page of a runs table (pg, its rows not
// yet made) showing runs [from, to) of s: every field of the page without
// its rows (a field added to RunsPage or RunsNav must be added here) and,
// per run, what its row is made from — the content hash and
// name of its result file, its verdict, its baseline's label and its
// profile's path — with the unit u the figures are shown in. Zero when some
// run's content hash is unknown (no cache).
func (b *builder) runsKey(pg *Page, s *series, bm *BenchMachine, u unit, from, to int) [32]byte {
	if !b.keyed() || b.siteSum == ([32]byte{}) {
		return [32]byte{}
	}
	h := sha256.New()
	// The page without its rows, field by field (gob, as pageKey, costs
	// more than the rest of the key: there are thousands of these pages).
	rp, nav := pg.Runs, pg.Runs.Nav
	fmt.Fprintf(h, "runs-1 %s\n%x %x\n%+v\n", buildID, b.tmpl.sum, b.siteSum, u)
	fmt.Fprintf(h, "%q %q %q %q %q %v\n", pg.Root, pg.Path, pg.Key, pg.Title, pg.Canonical, pg.Charts)
	fmt.Fprintf(h, "%q %q %q %q %q %q %q %v %v\n", rp.Name, rp.Fullname, rp.Group, rp.BenchURL, rp.Machine, rp.Unit, rp.Harness, rp.ShowOPS, rp.HasMemory)
	fmt.Fprintf(h, "%d %d %q %d %d %q %d %d %q\n", nav.First, nav.Last, nav.Newer, nav.NewerFirst, nav.NewerLast, nav.Older, nav.OlderFirst, nav.OlderLast, nav.Oldest)
	// Then per run, appended field by field (strings quoted, floats by
	// their bits): fmt.Fprintf per run would cost more than the rest.
	var buf []byte
	for i := from; i < to; i++ {
		p := s.Points[i]
		if p.Run.Hash == ([32]byte{}) {
			return [32]byte{}
		}
		base := ""
		if p.Run.Base != nil {
			base = p.Run.Base.Label
		}
		v := p.Verdict()
		buf = strconv.AppendInt(buf[:0], int64(i), 10)
		buf = append(buf, p.Run.Hash[:]...)
		buf = strconv.AppendQuote(buf, filepath.Base(p.Run.Path))
		buf = strconv.AppendQuote(buf, base)
		buf = strconv.AppendQuote(buf, string(v.Status))
		buf = strconv.AppendQuote(buf, v.Field)
		buf = strconv.AppendBool(buf, v.Paired)
		buf = strconv.AppendQuote(buf, v.PairedVerdict)
		for _, f := range []float64{v.Change, v.CILow, v.CIHigh} {
			buf = strconv.AppendUint(append(buf, ' '), math.Float64bits(f), 16)
		}
		buf = strconv.AppendInt(append(buf, ' '), int64(v.Pairs), 10)
		buf = strconv.AppendQuote(buf, bm.profiles[i])
		h.Write(append(buf, '\n'))
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}
