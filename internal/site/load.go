package site

import (
	"path"
	"path/filepath"
	"sync"

	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/result"
)

// builder carries one build from the loaded history to the written files.
type builder struct {
	opt Options
	out string // directory being written

	mu  sync.Mutex // guards res and the keys while pages are written concurrently
	res *Result
	// reuse is the earlier build's output whose files may be linked
	// instead of written again (""); keys is its manifest, newKeys this
	// build's (see reuse.go).
	reuse         string
	keys, newKeys map[string]fileKey

	hist     *history.History
	machines []*machine
	benches  []*bench // sorted by name, then fullname
	byFull   map[string]*bench

	tmpl *templateSet
	docs []*doc
	home homeContent
	site *SiteInfo
	// siteSum is site's key (siteKey), part of the runs pages' keys.
	siteSum [32]byte
}

// The history's types, under the names the pages were written with.
type (
	run     = history.Run
	machine = history.Machine
	series  = history.Series
	point   = history.Point
)

// bench is one benchmark (by fullname) across machines, with what the site
// adds: its page's slug and whether readers can run it in their browser.
type bench struct {
	*history.Benchmark
	Slug            string
	BrowserRunnable bool
}

// rawFile is the site path of run r's copied result file (where it is
// written); rawPath is its URL from the site root (siteURL), for links.
func rawFile(r *run) string {
	return path.Join("results", r.Machine.ID, filepath.Base(r.Path))
}

// rawPath is the URL of run r's copied result file from the site root.
func rawPath(r *run) string { return siteURL(rawFile(r)) }

// load loads and analyses the history (package history) and gives each
// benchmark its slug and browser flag.
func (b *builder) load() error {
	h, err := history.Load(history.Options{
		Storage:     b.opt.Storage,
		SkipInvalid: b.opt.SkipInvalid,
		Cache:       b.opt.Cache,
		Compare:     b.opt.Compare,
		Targets:     b.opt.Targets,
		Warn:        func(msg string) { b.warn("%s", msg) },
	})
	if err != nil {
		return err
	}
	b.hist = h
	b.machines = h.Machines
	for _, u := range h.Skipped {
		b.res.Skipped = append(b.res.Skipped, u.Entry.Path)
	}
	b.res.Runs = h.Runs
	b.res.Machines = len(h.Machines)
	b.res.Benchmarks = len(h.Benchmarks)

	b.byFull = map[string]*bench{}
	used := map[string]bool{}
	for _, hb := range h.Benchmarks {
		rb := &result.Benchmark{Name: hb.Name, Fullname: hb.Fullname}
		bn := &bench{Benchmark: hb, Slug: uniqueSlug(hb.Name, hb.Fullname, used)}
		for _, n := range b.opt.BrowserBenchmarks {
			bn.BrowserRunnable = bn.BrowserRunnable || rb.Match(n) > 0
		}
		b.benches = append(b.benches, bn)
		b.byFull[hb.Fullname] = bn
	}
	for _, n := range b.opt.BrowserBenchmarks {
		found := false
		for _, hb := range h.Benchmarks {
			rb := result.Benchmark{Name: hb.Name, Fullname: hb.Fullname}
			found = found || rb.Match(n) > 0
		}
		if !found && len(h.Benchmarks) > 0 {
			b.warn("browser benchmark %q matches no benchmark in the history (check the name in site.browser-benchmarks)", n)
		}
	}
	return nil
}
