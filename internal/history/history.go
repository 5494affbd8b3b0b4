// Package history loads a saved history (.benchmarks/<machine>/NNNN_*.json)
// and analyses it: machines and their runs in order, the baseline in force
// for each run and the comparison with it, the newest run's targets, each
// benchmark's series per machine, and the change points of every series.
// The site renders it, `benchsite list` and `changes` read it, and
// `benchsite compare` takes its rule for the baseline in force
// (BaselinesInForce); none of them loads or analyses the history on its
// own.
//
// Contract:
//   - Every result file of every machine is read (on all CPUs; the outcome
//     does not depend on timing). A file that cannot be read stops Load
//     with an error naming it, unless Options.SkipInvalid, which records
//     it in History.Skipped and warns.
//   - Machine folders and file names that could not be used as one path
//     segment (hidden, ".", ".."), and run files that are symbolic links
//     (storage.Store), are skipped with a warning.
//   - Labels and the baseline rule are storage's (storage.Label,
//     storage.Entry.Baseline). The baseline in force for a run is the
//     newest baseline before it; a baseline is compared with the baseline
//     before it. Comparisons are compare.Compare with Options.Compare, the
//     code path of `benchsite compare`.
//   - A benchmark is identified by its fullname; a run holding a fullname
//     twice contributes the first (as compare does).
//   - Change points come from package changepoint on each series' medians,
//     in run order (see Series.Changes). An open regression (Change.Open)
//     is the newest change of its series, a regression, within its
//     machine's newest RecentRuns runs: `changes` fails on these, the site
//     counts them.
//   - Evidence not used yet (issue 10 asks for both): each run counts as
//     its median alone; the run's own spread (stats.data, q1–q3) does not
//     weight it, and paired verdicts saved by `run --against/--compare`
//     (result.File.Paired) are neither used as evidence for nor against a
//     change point. A run with a wide spread thus counts as much as a quiet
//     one; the permutation test's exchangeability assumption is about the
//     medians only.
package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/benchsite/benchsite/internal/changepoint"
	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/target"
)

// Options configure Load.
type Options struct {
	// Storage is the history root, e.g. ".benchmarks".
	Storage string
	// SkipInvalid turns unreadable result files into warnings.
	SkipInvalid bool
	// Compare configures the verdicts (the options of `benchsite compare`).
	Compare compare.Options
	// Targets are the performance targets checked on each machine's newest
	// run.
	Targets []target.Target
	// Changes configures change-point detection (zero: the defaults).
	Changes changepoint.Options
	// Warn, when set, receives each warning (also kept in History.Warnings).
	Warn func(string)
	// ReadOnly reads the runs and derives nothing (no baselines in force,
	// comparisons, targets, series or change points): enough to list them.
	ReadOnly bool
}

// History is a loaded and analysed history.
type History struct {
	// Machines are sorted by id.
	Machines []*Machine
	// Benchmarks are sorted by name, then fullname.
	Benchmarks []*Benchmark
	// ByFullname indexes Benchmarks.
	ByFullname map[string]*Benchmark
	// Runs is the number of result files read.
	Runs int
	// Skipped lists unreadable files left out (Options.SkipInvalid), in
	// listing order.
	Skipped []Unreadable
	// Warnings are problems that did not stop Load.
	Warnings []string
}

// Unreadable is a result file Load could not read.
type Unreadable struct {
	Entry storage.Entry
	Err   error
}

// Machine is one machine folder's history.
type Machine struct {
	ID    string
	Index int // position in History.Machines
	// Runs are in number order (oldest first).
	Runs []*Run
	// Info is the newest run's machine_info.
	Info result.MachineInfo
	// NewestBaseline and Newest are nil when absent.
	NewestBaseline, Newest *Run
	// Report compares NewestBaseline with Newest (nil unless Newest is not
	// a baseline and has one in force): `benchsite compare` with no
	// arguments. Rows indexes it by fullname.
	Report *compare.Report
	Rows   map[string]*compare.Row
	// Targets are the newest run's target statuses.
	Targets []target.Status
}

// Run is one result file of a machine's history.
type Run struct {
	Machine  *Machine
	Index    int // position in Machine.Runs
	Number   int // NNNN
	Label    string
	Baseline bool
	Path     string // the file's path
	File     *result.File
	Raw      []byte    // the file's bytes
	Time     time.Time // zero when the file has no datetime
	// Base is the baseline in force for this run (the newest baseline
	// before it), Report the comparison with it and Rows its rows by
	// fullname; all nil for the first baseline or when there is none.
	Base   *Run
	Report *compare.Report
	Rows   map[string]*compare.Row
}

// Benchmark is one benchmark (by fullname) across machines.
type Benchmark struct {
	Name, Fullname, Group string
	// Series per machine, in the order of History.Machines; nil where the
	// machine never ran it.
	Series []*Series
}

// Series is one benchmark's history on one machine.
type Series struct {
	Benchmark *Benchmark
	Machine   *Machine
	Points    []Point // in run order
	// Changes are the detected change points, oldest first.
	Changes []*Change
	// Outliers are the points whose median the detector set aside as
	// single outlying runs (indexes into Points).
	Outliers []int
}

// Point is one run's result of a benchmark.
type Point struct {
	Run   *Run
	Bench *result.Benchmark
}

// Latest returns the series' newest point.
func (s *Series) Latest() Point { return s.Points[len(s.Points)-1] }

// Load reads and analyses the history under opt.Storage. A missing
// directory is an empty history (with a warning).
func Load(opt Options) (*History, error) {
	if opt.Storage == "" {
		return nil, errors.New("history: no history directory given (--storage)")
	}
	h := &History{ByFullname: map[string]*Benchmark{}}
	warn := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		h.Warnings = append(h.Warnings, msg)
		if opt.Warn != nil {
			opt.Warn(msg)
		}
	}
	if err := h.load(opt, warn); err != nil {
		return nil, err
	}
	if !opt.ReadOnly {
		h.analyse(opt)
	}
	return h, nil
}

func (h *History) load(opt Options, warn func(string, ...any)) error {
	store := storage.Store{Root: opt.Storage, Warn: func(m string) { warn("%s", m) }}
	if _, err := os.Stat(opt.Storage); err != nil {
		if os.IsNotExist(err) {
			warn("history directory %s does not exist; there are no runs yet (save one with 'benchsite run --save baseline', or import results with 'benchsite import FILE')", opt.Storage)
			return nil
		}
		return fmt.Errorf("history directory: %w", err)
	}
	ids, err := store.Machines()
	if err != nil {
		return fmt.Errorf("listing machines in %s: %w", opt.Storage, err)
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
		if !SafeSegment(id) {
			warn("skipping machine folder %q in %s: not a usable name", id, opt.Storage)
			continue
		}
		entries, err := store.List(id)
		if err != nil {
			return fmt.Errorf("listing %s: %w", filepath.Join(opt.Storage, id), err)
		}
		for _, e := range entries {
			if !SafeSegment(filepath.Base(e.Path)) {
				warn("skipping %s: not a usable file name", e.Path)
				continue
			}
			slots = append(slots, &slot{entry: e})
		}
	}
	// Files are read and decoded on all CPUs; the results are then taken in
	// listing order, so errors and output do not depend on the timing.
	Parallel(slots, func(_ int, s *slot) {
		s.raw, s.err = os.ReadFile(s.entry.Path)
		if s.err == nil {
			s.file, s.err = result.Decode(s.raw, s.entry.Path)
		}
	})
	var m *Machine
	for _, s := range slots {
		if s.err != nil {
			if !opt.SkipInvalid {
				// The file's error says what is wrong and what to do with
				// the file; every command that loads the history (build,
				// serve, changes) has --skip-invalid.
				return fmt.Errorf("%w; or pass --skip-invalid to leave unreadable files out, with a warning", s.err)
			}
			h.Skipped = append(h.Skipped, Unreadable{Entry: s.entry, Err: s.err})
			warn("skipping unreadable result file: %v", s.err)
			continue
		}
		for _, n := range s.file.Notes {
			warn("%s", n)
		}
		id := s.entry.MachineID
		if m == nil || m.ID != id {
			m = &Machine{ID: id, Index: len(h.Machines)}
			h.Machines = append(h.Machines, m)
		}
		r := &Run{
			Machine:  m,
			Index:    len(m.Runs),
			Number:   s.entry.Number,
			Label:    s.entry.Label(),
			Baseline: s.entry.Baseline(),
			Path:     s.entry.Path,
			File:     s.file,
			Raw:      s.raw,
		}
		if s.file.Datetime != "" {
			r.Time, _ = s.file.Time() // Decode already validated it
		}
		m.Runs = append(m.Runs, r)
		h.Runs++
	}
	return nil
}

// SafeSegment reports whether s can be used as one path segment (of the
// site's output, say): it comes from a directory listing, so it has no
// separators, but "." and ".." and hidden names are refused.
func SafeSegment(s string) bool {
	return s != "" && !strings.HasPrefix(s, ".") && !strings.ContainsAny(s, `/\`+"\x00")
}

// analyse derives baselines, comparisons, targets, series and change
// points from the loaded runs.
func (h *History) analyse(opt Options) {
	for _, m := range h.Machines {
		flags := make([]bool, len(m.Runs))
		for i, r := range m.Runs {
			flags[i] = r.Baseline
			if r.Baseline {
				m.NewestBaseline = r
			}
		}
		for i, b := range BaselinesInForce(flags) {
			if b >= 0 {
				m.Runs[i].Base = m.Runs[b]
			}
		}
		Parallel(m.Runs, func(_ int, r *Run) {
			if r.Base != nil {
				r.Report = compare.Compare(r.Base.File, r.File, r.Base.Label, r.Label, opt.Compare)
				r.Rows = rowIndex(r.Report)
			}
		})
		m.Newest = m.Runs[len(m.Runs)-1]
		m.Info = m.Newest.File.MachineInfo
		if !m.Newest.Baseline && m.Newest.Base != nil {
			m.Report, m.Rows = m.Newest.Report, m.Newest.Rows
		}
		m.Targets = target.Check(m.Newest.File, opt.Targets)

		for _, r := range m.Runs {
			seen := map[string]bool{}
			for i := range r.File.Benchmarks {
				rb := &r.File.Benchmarks[i]
				if seen[rb.Fullname] {
					continue // duplicates: the first counts, as in compare
				}
				seen[rb.Fullname] = true
				bn := h.ByFullname[rb.Fullname]
				if bn == nil {
					bn = &Benchmark{Name: rb.Name, Fullname: rb.Fullname, Group: rb.Group}
					h.ByFullname[rb.Fullname] = bn
					h.Benchmarks = append(h.Benchmarks, bn)
				}
				if rb.Group != "" {
					bn.Group = rb.Group // the newest group wins
				}
				if bn.Series == nil {
					bn.Series = make([]*Series, len(h.Machines))
				}
				s := bn.Series[m.Index]
				if s == nil {
					s = &Series{Benchmark: bn, Machine: m}
					bn.Series[m.Index] = s
				}
				s.Points = append(s.Points, Point{Run: r, Bench: rb})
			}
		}
	}
	sort.Slice(h.Benchmarks, func(i, j int) bool {
		a, b := h.Benchmarks[i], h.Benchmarks[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Fullname < b.Fullname
	})
	h.detect(opt.Changes)
}

// Parallel calls f for every item (with its index) on all CPUs and returns
// when all are done. Each f must write only its own item or slot, so
// results do not depend on the order.
func Parallel[T any](items []T, f func(int, T)) {
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
