package site

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/target"
)

// builder carries one build from the loaded history to the written files.
type builder struct {
	opt Options
	out string // directory being written

	mu  sync.Mutex // guards res while pages are written concurrently
	res *Result

	machines []*machine
	benches  []*bench // sorted by name, then fullname
	byFull   map[string]*bench

	tmpl *templateSet
	docs []*doc
	home homeContent
	site *SiteInfo
}

// run is one result file of a machine's history.
type run struct {
	Machine  *machine
	Index    int // position in Machine.Runs
	Number   int // NNNN
	Label    string
	Baseline bool
	File     *result.File
	raw      []byte
	Time     time.Time // zero when the file has no datetime
	RawPath  string    // site path of the copied file

	// Base is the baseline in force for this run (the newest baseline
	// before it), Report the comparison with it; both nil for a baseline
	// or when there is none.
	Base   *run
	Report *compare.Report
	rows   map[string]*compare.Row // fullname → row of Report
}

// machine is one machine folder.
type machine struct {
	ID    string
	Index int
	Runs  []*run
	// Info is the newest run's machine_info.
	Info result.MachineInfo
	// NewestBaseline and Newest are nil when absent.
	NewestBaseline, Newest *run
	// Report compares NewestBaseline with Newest (nil unless both exist and
	// differ): the compare page and the home grid's verdicts.
	Report *compare.Report
	rows   map[string]*compare.Row
	// Targets are the newest run's target statuses.
	Targets []target.Status
}

// bench is one benchmark (by fullname) across machines.
type bench struct {
	Name, Fullname, Group string
	Slug                  string
	BrowserRunnable       bool
	// series per machine (same order as builder.machines; nil when the
	// machine never ran it)
	series []*series
}

// series is one benchmark's history on one machine.
type series struct {
	Machine *machine
	Points  []point // in run order
}

type point struct {
	Run   *run
	Bench *result.Benchmark
}

// load reads every machine's history.
func (b *builder) load() error {
	store := storage.Store{Root: b.opt.Storage}
	if _, err := os.Stat(b.opt.Storage); err != nil {
		if os.IsNotExist(err) {
			b.warn("history directory %s does not exist; the site has no runs yet (save one with 'benchsite run --save baseline', or import results with 'benchsite import FILE')", b.opt.Storage)
			return nil
		}
		return fmt.Errorf("site: history directory: %w", err)
	}
	ids, err := store.Machines()
	if err != nil {
		return fmt.Errorf("site: listing machines in %s: %w", b.opt.Storage, err)
	}
	sort.Strings(ids)
	type slot struct {
		entry storage.Entry
		raw   []byte
		file  *result.File
		err   error
	}
	var slots []*slot
	for _, id := range ids {
		if !safeSegment(id) {
			b.warn("skipping machine folder %q in %s: not a usable name", id, b.opt.Storage)
			continue
		}
		entries, err := store.List(id)
		if err != nil {
			return fmt.Errorf("site: listing %s: %w", filepath.Join(b.opt.Storage, id), err)
		}
		for _, e := range entries {
			if !safeSegment(filepath.Base(e.Path)) {
				b.warn("skipping %s: not a usable file name", e.Path)
				continue
			}
			slots = append(slots, &slot{entry: e})
		}
	}
	// Files are read and decoded on all CPUs; the results are then taken in
	// listing order, so errors and output do not depend on the timing.
	parallel(slots, func(_ int, s *slot) {
		s.raw, s.err = os.ReadFile(s.entry.Path)
		if s.err == nil {
			s.file, s.err = result.Decode(s.raw, s.entry.Path)
		}
	})

	var m *machine
	for _, s := range slots {
		if s.err != nil {
			if !b.opt.SkipInvalid {
				return fmt.Errorf("%w (fix or remove the file, or build with --skip-invalid)", s.err)
			}
			b.res.Skipped = append(b.res.Skipped, s.entry.Path)
			b.warn("skipping unreadable result file: %v", s.err)
			continue
		}
		for _, n := range s.file.Notes {
			b.warn("%s", n)
		}
		id := s.entry.MachineID
		if m == nil || m.ID != id {
			m = &machine{ID: id, Index: len(b.machines)}
			b.machines = append(b.machines, m)
		}
		base := filepath.Base(s.entry.Path)
		r := &run{
			Machine:  m,
			Index:    len(m.Runs),
			Number:   s.entry.Number,
			Label:    strings.TrimSuffix(base, ".json"),
			Baseline: strings.HasSuffix(base, "_baseline.json"),
			File:     s.file,
			raw:      s.raw,
			RawPath:  path.Join("results", id, base),
		}
		if s.file.Datetime != "" {
			r.Time, _ = s.file.Time() // Decode already validated it
		}
		m.Runs = append(m.Runs, r)
		b.res.Runs++
	}
	b.res.Machines = len(b.machines)
	return nil
}

// safeSegment reports whether s can be used as one path segment of the
// output (it comes from a directory listing, so it has no separators, but
// "." and ".." and hidden names are refused).
func safeSegment(s string) bool {
	return s != "" && !strings.HasPrefix(s, ".") && !strings.ContainsAny(s, `/\`+"\x00")
}

// prepare derives comparisons, series and targets from the loaded runs.
func (b *builder) prepare() error {
	b.byFull = map[string]*bench{}
	browser := map[string]bool{}
	for _, n := range b.opt.BrowserBenchmarks {
		browser[n] = true
	}
	for _, m := range b.machines {
		var lastBase *run
		for _, r := range m.Runs {
			if r.Baseline {
				if lastBase != nil {
					// A new baseline is compared with the one before it too,
					// so its page shows how the figures moved.
					r.Base = lastBase
				}
				lastBase = r
				m.NewestBaseline = r
			} else {
				r.Base = lastBase
			}
		}
		b.compareRuns(m.Runs)
		m.Newest = m.Runs[len(m.Runs)-1]
		m.Info = m.Newest.File.MachineInfo
		if !m.Newest.Baseline && m.Newest.Base != nil {
			// The newest run's baseline in force is the newest baseline:
			// its comparison is `benchsite compare` with no arguments.
			m.Report, m.rows = m.Newest.Report, m.Newest.rows
		}
		m.Targets = target.Check(m.Newest.File, b.opt.Targets)

		for _, r := range m.Runs {
			seen := map[string]bool{}
			for i := range r.File.Benchmarks {
				rb := &r.File.Benchmarks[i]
				if seen[rb.Fullname] {
					continue // duplicates: the first counts, as in compare
				}
				seen[rb.Fullname] = true
				bn := b.byFull[rb.Fullname]
				if bn == nil {
					bn = &bench{Name: rb.Name, Fullname: rb.Fullname, Group: rb.Group,
						BrowserRunnable: browser[rb.Name] || browser[rb.Fullname]}
					b.byFull[rb.Fullname] = bn
					b.benches = append(b.benches, bn)
				}
				if rb.Group != "" {
					bn.Group = rb.Group // the newest group wins
				}
				if bn.series == nil {
					bn.series = make([]*series, len(b.machines))
				}
				s := bn.series[m.Index]
				if s == nil {
					s = &series{Machine: m}
					bn.series[m.Index] = s
				}
				s.Points = append(s.Points, point{Run: r, Bench: rb})
			}
		}
	}
	sort.Slice(b.benches, func(i, j int) bool {
		if b.benches[i].Name != b.benches[j].Name {
			return b.benches[i].Name < b.benches[j].Name
		}
		return b.benches[i].Fullname < b.benches[j].Fullname
	})
	used := map[string]bool{}
	for _, bn := range b.benches {
		bn.Slug = uniqueSlug(bn.Name, bn.Fullname, used)
	}
	for _, n := range b.opt.BrowserBenchmarks {
		found := false
		for _, bn := range b.benches {
			found = found || bn.Name == n || bn.Fullname == n
		}
		if !found && len(b.benches) > 0 {
			b.warn("browser benchmark %q matches no benchmark in the history (check the name in site.browser-benchmarks)", n)
		}
	}
	b.res.Benchmarks = len(b.benches)
	return nil
}

// compareRuns compares each run with its baseline in force. The
// comparisons are independent (each writes only its own run), so they run
// on all CPUs; the result does not depend on the order.
func (b *builder) compareRuns(runs []*run) {
	parallel(runs, func(_ int, r *run) {
		if r.Base != nil {
			r.Report = compare.Compare(r.Base.File, r.File, r.Base.Label, r.Label, b.opt.Compare)
			r.rows = rowIndex(r.Report)
		}
	})
}

// parallel calls f for every item (with its index) on all CPUs and returns
// when all are done. Each f writes only its own item or slot, so results do
// not depend on the order.
func parallel[T any](items []T, f func(int, T)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i, items[i])
			}
		}()
	}
	for i := range items {
		work <- i
	}
	close(work)
	wg.Wait()
}

func rowIndex(r *compare.Report) map[string]*compare.Row {
	m := make(map[string]*compare.Row, len(r.Rows))
	for i := range r.Rows {
		row := &r.Rows[i]
		if _, dup := m[row.Fullname]; !dup {
			m[row.Fullname] = row
		}
	}
	return m
}

// latest returns the series' newest point.
func (s *series) latest() point { return s.Points[len(s.Points)-1] }
