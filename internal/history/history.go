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
//     does not depend on timing), as a stream: a chunk of files at a time is
//     decoded whole, and only summaries are kept (see Run, Point and
//     Summary), so memory grows by a few hundred bytes per run and
//     benchmark: the loaded History holds 238 bytes per run and
//     benchmark (BenchmarkLoadMemory: heap in use after Load, 1000 and 4000
//     runs × 20 benchmarks, the difference over the 60,000 points; a Point
//     is 176 bytes of it, its verdict 24). With Options.Cache, files read by an earlier Load
//     are taken from its summaries (cache.go), read and written a record at
//     a time; the History is the same. A file that cannot be read stops Load
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
//     is the newest change of its series, a regression not doubtful, within its
//     machine's newest RecentRuns runs: `changes` fails on these, the site
//     counts them.
//   - The evidence a change point rests on (changes.go): each run's
//     median, weighed against the run's own spread where the file has one
//     (SpreadOf, the one accessor of a point's statistics; a step smaller
//     than the runs' own noise can explain is not reported, see package
//     changepoint); consecutive change points of a slow drift are one
//     change (Change.Drift). A paired verdict (result.File.Paired, saved by
//     `run --against/--compare`) of a run within PairedRuns of the change,
//     whose baseline lies before it, confirms the change when it found a
//     change of the same direction (Change.Confirmed), and makes it
//     doubtful when it found none and its interval excludes the step
//     (Change.Doubtful): a doubtful regression is listed but not open.
package history

import (
	"errors"
	"fmt"
	"math"
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
	// Cache, when set, is a directory where Load keeps what it read, keyed
	// by the files' content, for the next Load to reuse: it then decodes
	// only new or changed files and compares only runs whose file or
	// baseline changed (see cache.go). The result is the same with or
	// without it.
	Cache string
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
//
// The history is read as a stream and keeps per run only what the pages
// and commands need, so memory grows by a few hundred bytes per run and
// benchmark: File is the file's header (machine_info, shared by runs whose
// machine_info has the same content, commit_info, datetime, version) and holds the
// benchmarks only on each machine's newest run (Machine.Newest); each
// run's benchmarks are in the series' points (see Point), and Read reads
// the whole file again when a page needs its samples.
type Run struct {
	Machine  *Machine
	Index    int // position in Machine.Runs
	Number   int // NNNN
	Label    string
	Baseline bool
	Path     string // the file's path
	// Hash is the SHA-256 of the file's content; zero when Load had no
	// Options.Cache.
	Hash [32]byte
	// Benchmarks is the number of benchmarks in the file (File holds them
	// only on the newest run).
	Benchmarks int
	File       *result.File
	Time       time.Time // zero when the file has no datetime
	// Base is the baseline in force for this run (the newest baseline
	// before it); nil for the first baseline or when there is none. Each
	// benchmark's verdict against it is in the series' points
	// (Point.Verdict).
	Base *Run
	// Report is the comparison with Base and Rows its rows by fullname,
	// kept on each machine's newest run only (Machine.Report); nil on the
	// others.
	Report *compare.Report
	Rows   map[string]*compare.Row
}

// Read reads and decodes the run's whole file again (with every
// benchmark's samples).
func (r *Run) Read() (*result.File, error) { return result.ReadFile(r.Path) }

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
	Run *Run
	// Sum is the run's summary of the benchmark (statistics without
	// samples), on every point.
	Sum Summary
	// Bench is the benchmark as the run's file has it, samples and all, on
	// the series' newest point and on the point of the run its newest run
	// was compared with (so a page can show their samples); nil on every
	// other point.
	Bench *result.Benchmark

	// verdict is Verdict() held in 24 bytes rather than 72 (a long
	// history has hundreds of thousands of points).
	verdict struct {
		change float64
		kind   *verdictKind // nil: no verdict
		paired *pairedCI    // nil unless the verdict has an interval
	}
	keep bool // Bench stays when a newer point arrives
}

// verdictKind is a verdict's status and field, interned by Load: points
// share the few combinations.
type verdictKind struct {
	status compare.Status
	field  string
}

// pairedCI is a paired verdict: its interval and the verdict the run
// stored (see Verdict).
type pairedCI struct {
	paired    bool
	low, high float64
	pairs     int
	verdict   string // Verdict.PairedVerdict
}

// Verdict is this benchmark's row of the comparison of Run with its
// baseline (Run.Base); its Status is "" when Run was not compared or the
// benchmark is not in the comparison.
func (p *Point) Verdict() Verdict {
	v := Verdict{Change: p.verdict.change}
	if k := p.verdict.kind; k != nil {
		v.Status, v.Field = k.status, k.field
	}
	if c := p.verdict.paired; c != nil {
		v.Paired, v.CILow, v.CIHigh, v.Pairs, v.PairedVerdict = c.paired, c.low, c.high, c.pairs, c.verdict
	}
	return v
}

// setVerdict stores v in p, its status and field interned in kinds.
func (p *Point) setVerdict(v Verdict, kinds map[verdictKind]*verdictKind) {
	p.verdict.change = v.Change
	if v.Status != "" || v.Field != "" {
		k := verdictKind{v.Status, v.Field}
		if kinds[k] == nil {
			kinds[k] = &k
		}
		p.verdict.kind = kinds[k]
	}
	if v.Paired || v.CILow != 0 || v.CIHigh != 0 || v.Pairs != 0 || v.PairedVerdict != "" {
		p.verdict.paired = &pairedCI{v.Paired, v.CILow, v.CIHigh, v.Pairs, v.PairedVerdict}
	}
}

// Verdict is one benchmark's outcome in the comparison of a run with its
// baseline.
type Verdict struct {
	Status compare.Status
	Change float64 // percent, of Field
	Field  string  // the compared field, e.g. "mean"
	// Paired is set when the run stored a paired verdict against its
	// baseline's revision (compare.Row.Paired): CILow and CIHigh bound the
	// change's confidence interval (percent), measured in Pairs process
	// pairs.
	Paired        bool
	CILow, CIHigh float64
	Pairs         int
	// PairedVerdict is the paired verdict as the run stored it
	// (result.PairedBenchmark.Verdict: "regression", "improvement",
	// "same", "noise" or "undecided"), whatever the checks of
	// Options.Compare make of it in Status; "" unless Paired.
	PairedVerdict string
}

// Spread is a run's own figures of one benchmark: the median, quartiles
// and standard deviation of its rounds (seconds, or the benchmark's unit)
// and the number of rounds. NaN marks a figure the file does not have.
type Spread struct {
	Median, Q1, Q3, Stddev float64
	Rounds                 int
}

// SpreadOf returns p's spread: the one place change-point detection reads
// a point's statistics (from Point.Bench, whole or summary alike).
func SpreadOf(p Point) Spread {
	sm := &p.Sum
	return Spread{Median: sm.Median, Q1: sm.Q1, Q3: sm.Q3, Stddev: sm.Stddev, Rounds: int(sm.rounds)}
}

// MedianSE is the standard error of the run's median from its own rounds
// (same unit): √(π/2)·σ/√rounds, the large-sample standard error of the
// median of normal values, with σ estimated robustly as IQR/1.349 when
// there are 4 rounds or more and the IQR is positive (a round the
// scheduler interrupted does not inflate it), else as the standard
// deviation. NaN when the run has fewer than 2 rounds or neither figure is
// positive and finite: a file may leave them out (they then read as 0),
// and rounds that are all equal have no spread to go by either.
func (s Spread) MedianSE() float64 {
	if s.Rounds < 2 {
		return math.NaN()
	}
	sigma := s.Stddev
	if iqr := s.Q3 - s.Q1; s.Rounds >= 4 && iqr > 0 && !math.IsInf(iqr, 0) {
		sigma = iqr / 1.349
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return math.NaN()
	}
	return math.Sqrt(math.Pi/2) * sigma / math.Sqrt(float64(s.Rounds))
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

// chunk is how many files are decoded at once: enough to keep every CPU
// busy, few enough that the decoded files (samples and all) of one chunk
// are all that is held in full besides each machine's newest baseline.
const chunk = 64

// loader carries the state of one streaming Load.
type loader struct {
	h    *History
	opt  Options
	warn func(string, ...any)
	// strs and infos intern repeated names and summaries' shared parts,
	// so a benchmark's name is held once however many runs have it.
	strs  map[string]string
	infos map[string]*summaryInfo
	// mis interns machine_info by its JSON: the runs of a machine mostly
	// share one.
	mis map[string]result.MachineInfo
	// kinds interns the points' verdict statuses and fields.
	kinds map[verdictKind]*verdictKind
	cache *cache
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
	l := &loader{h: h, opt: opt, warn: warn, strs: map[string]string{}, infos: map[string]*summaryInfo{},
		mis: map[string]result.MachineInfo{}, kinds: map[verdictKind]*verdictKind{},
		cache: openCache(opt.Cache, opt.Compare)}
	defer l.cache.close()
	for _, id := range ids {
		if !SafeSegment(id) {
			warn("skipping machine folder %q in %s: not a usable name", id, opt.Storage)
			continue
		}
		entries, err := store.List(id)
		if err != nil {
			return fmt.Errorf("listing %s: %w", filepath.Join(opt.Storage, id), err)
		}
		var use []storage.Entry
		for _, e := range entries {
			if !SafeSegment(filepath.Base(e.Path)) {
				warn("skipping %s: not a usable file name", e.Path)
				continue
			}
			use = append(use, e)
		}
		if err := l.machine(use); err != nil {
			return err
		}
	}
	l.cache.save()
	if !opt.ReadOnly {
		for _, bn := range h.Benchmarks {
			for len(bn.Series) < len(h.Machines) {
				bn.Series = append(bn.Series, nil)
			}
		}
		sort.Slice(h.Benchmarks, func(i, j int) bool {
			a, b := h.Benchmarks[i], h.Benchmarks[j]
			if a.Name != b.Name {
				return a.Name < b.Name
			}
			return a.Fullname < b.Fullname
		})
	}
	return nil
}

// slot is one file of a chunk: hashed, decoded or taken from the cache,
// compared.
type slot struct {
	entry storage.Entry
	sum   [32]byte // SHA-256 of the content
	stat  fileStat
	data  []byte // the content, when it was read to hash it
	// old and oldVerdicts are the earlier Load's records of the file
	// (see cache.lookup); cached is its summary when the content is the same.
	old, oldVerdicts *cacheRecord
	cached           *cachedRun
	file             *result.File
	whole            bool // file is the decoded file, not a summary
	// cacheable is false when cached cannot be written (see summarise).
	cacheable bool
	err       error
	run       *Run
	// verdicts come from the cache unless rep is computed: base is then
	// the baseline's whole file.
	verdicts []cachedVerdict
	compare  bool
	baseSum  [32]byte
	base     *result.File
	rep      *compare.Report
}

// decode reads and decodes s's file whole.
func (s *slot) decode() {
	if s.data == nil {
		s.data, s.err = os.ReadFile(s.entry.Path)
	}
	if s.err == nil {
		s.file, s.err = result.Decode(s.data, s.entry.Path)
		s.whole = s.err == nil
	}
	s.data = nil
}

// machine reads one machine's files in run order, a chunk at a time, and
// keeps their summaries.
func (l *loader) machine(entries []storage.Entry) error {
	h, opt, c := l.h, l.opt, l.cache
	// The points whose samples a page shows up front stay whole: the
	// newest run's and those of the baseline it is compared with.
	keep := map[string]bool{}
	last := ""
	if n := len(entries); n > 0 {
		last = entries[n-1].Path
		keep[last] = true
		for i := n - 2; i >= 0; i-- {
			if entries[i].Baseline() {
				keep[entries[i].Path] = true
				break
			}
		}
	}
	var (
		m        *Machine
		lastBase *slot // the newest baseline read so far
		prev     *Run
	)
	for start := 0; start < len(entries); start += chunk {
		slots := make([]*slot, 0, chunk)
		for _, e := range entries[start:min(start+chunk, len(entries))] {
			s := &slot{entry: e}
			s.old, s.oldVerdicts = c.lookup(e)
			slots = append(slots, s)
		}
		// Files are hashed and decoded on all CPUs; the results are then
		// taken in listing order, so errors and output do not depend on
		// the timing.
		Parallel(slots, func(_ int, s *slot) {
			s.sum, s.stat, s.data, s.err = c.hash(s.entry.Path, s.old)
			if s.err != nil {
				return
			}
			if s.old != nil && s.old.Stat.Hash == s.sum {
				s.cached = s.old.Run
			}
			if s.cached == nil || keep[s.entry.Path] {
				s.decode()
			}
		})
		var ok []*slot
		for _, s := range slots {
			if s.err == nil && !s.whole {
				s.file, s.err = l.fileHeader(s.cached)
			}
			s.cacheable = true
			if s.err == nil && s.cached == nil {
				s.cached, s.cacheable = summarise(s.file)
			}
			if s.err == nil && s.whole {
				s.file.MachineInfo = l.sharedMachineInfo(s.file.MachineInfo, s.cached.MachineInfo)
			}
			if s.err != nil {
				if !opt.SkipInvalid {
					return fmt.Errorf("%w; or pass --skip-invalid to leave unreadable files out, with a warning", s.err)
				}
				h.Skipped = append(h.Skipped, Unreadable{Entry: s.entry, Err: s.err})
				l.warn("skipping unreadable result file: %v", s.err)
				continue
			}
			for _, n := range s.file.Notes {
				l.warn("%s", n)
			}
			if m == nil {
				m = &Machine{ID: s.entry.MachineID, Index: len(h.Machines)}
				h.Machines = append(h.Machines, m)
			}
			r := &Run{
				Machine:    m,
				Index:      len(m.Runs),
				Number:     s.entry.Number,
				Label:      s.entry.Label(),
				Baseline:   s.entry.Baseline(),
				Path:       s.entry.Path,
				Hash:       s.sum,
				Benchmarks: len(s.cached.Benchmarks),
			}
			if s.file.Datetime != "" {
				r.Time, _ = s.file.Time() // Decode already validated it
			}
			if !opt.ReadOnly && lastBase != nil {
				// The rule of BaselinesInForce, as the runs stream by: the
				// newest baseline before the run (for a baseline, the one
				// before it, so one sees how the figures moved).
				r.Base, s.baseSum = lastBase.run, lastBase.sum
				var cached bool
				if ov := s.oldVerdicts; ov != nil && ov.Key == c.verdictKey(s.sum, lastBase.sum) {
					s.verdicts, cached = ov.Verdicts, true
				}
				if !cached || s.entry.Path == last {
					s.compare = true
					if !lastBase.whole {
						if lastBase.decode(); lastBase.err != nil {
							return fmt.Errorf("%w; or pass --skip-invalid to leave unreadable files out, with a warning", lastBase.err)
						}
					}
					s.base = lastBase.file
				}
			}
			if r.Baseline {
				lastBase = s
				m.NewestBaseline = r
			}
			s.run = r
			m.Runs = append(m.Runs, r)
			h.Runs++
			ok = append(ok, s)
		}
		if !opt.ReadOnly {
			Parallel(ok, func(_ int, s *slot) {
				if s.compare && !s.whole {
					s.decode()
				}
				if s.compare && s.err == nil {
					s.rep = compare.Compare(s.base, s.file, s.run.Base.Label, s.run.Label, opt.Compare)
				}
			})
		}
		for _, s := range ok {
			if s.err != nil { // the file changed since it was first read
				return fmt.Errorf("%w; or pass --skip-invalid to leave unreadable files out, with a warning", s.err)
			}
			r := s.run
			if prev != nil {
				// Only the newest run keeps its whole file and report.
				prev.File, prev.Report, prev.Rows = l.header(prev.File), nil, nil
			}
			r.File, prev = s.file, r
			rec := cacheRecord{Machine: s.entry.MachineID, Number: s.entry.Number, Path: r.Path, Stat: s.stat}
			if s.cacheable {
				rec.Run = s.cached
			}
			c.put(&rec)
			s.old, s.oldVerdicts = nil, nil
			if opt.ReadOnly {
				continue
			}
			if s.rep != nil {
				r.Report, r.Rows = s.rep, rowIndex(s.rep)
				s.verdicts = s.verdicts[:0]
				for fullname, row := range r.Rows {
					v := Verdict{Status: row.Status, Change: row.Change, Field: row.Field,
						Paired: row.Paired, CILow: row.CILow, CIHigh: row.CIHigh, Pairs: row.Pairs}
					if row.Paired && s.file.Paired != nil {
						v.PairedVerdict = s.file.Paired.Benchmarks[fullname].Verdict
					}
					s.verdicts = append(s.verdicts, cachedVerdict{Fullname: fullname, Verdict: v})
				}
				sort.Slice(s.verdicts, func(i, j int) bool { return s.verdicts[i].Fullname < s.verdicts[j].Fullname })
			}
			if r.Base != nil {
				c.put(&cacheRecord{Key: c.verdictKey(s.sum, s.baseSum), Verdicts: s.verdicts})
			}
			var whole *result.File
			if s.whole {
				whole = s.file
			}
			l.points(m, r, whole, s.cached.Benchmarks, s.verdicts, keep[r.Path])
			if s != lastBase {
				s.file = nil // only the newest baseline's file is kept
			}
		}
	}
	if m == nil {
		return nil
	}
	m.Newest = m.Runs[len(m.Runs)-1]
	m.Info = m.Newest.File.MachineInfo
	if opt.ReadOnly {
		return nil
	}
	if !m.Newest.Baseline && m.Newest.Base != nil {
		m.Report, m.Rows = m.Newest.Report, m.Newest.Rows
	}
	m.Targets = target.Check(m.Newest.File, opt.Targets)
	l.clip(m)
	return l.wholeLatest(m)
}

// clip gives each of m's series' points a slice of their length: append
// leaves up to a quarter of a long series' slice unused.
func (l *loader) clip(m *Machine) {
	for _, bn := range l.h.Benchmarks {
		if m.Index < len(bn.Series) && bn.Series[m.Index] != nil {
			s := bn.Series[m.Index]
			if cap(s.Points)-len(s.Points) > len(s.Points)/32 {
				s.Points = append(make([]Point, 0, len(s.Points)), s.Points...)
			}
		}
	}
}

// wholeLatest makes each series' newest point whole where it came from the
// cache (a benchmark the machine's newest run lacks), so the pages are the
// same with and without a cache.
func (l *loader) wholeLatest(m *Machine) error {
	files := map[*Run]*result.File{}
	for _, bn := range l.h.Benchmarks {
		if m.Index >= len(bn.Series) || bn.Series[m.Index] == nil {
			continue
		}
		s := bn.Series[m.Index]
		p := &s.Points[len(s.Points)-1]
		if p.Bench != nil {
			continue
		}
		f := files[p.Run]
		if f == nil {
			var err error
			if f, err = p.Run.Read(); err != nil {
				return err
			}
			files[p.Run] = f
		}
		for i := range f.Benchmarks {
			if f.Benchmarks[i].Fullname == bn.Fullname {
				c := f.Benchmarks[i]
				c.Name, c.Fullname, c.Group = bn.Name, bn.Fullname, l.str(c.Group)
				p.Bench = &c
				break
			}
		}
	}
	return nil
}

// points adds run r's benchmarks to their series: sums are their
// summaries, whole the decoded file when there is one (nil for a run from
// the cache). A new point holds the whole benchmark where there is one;
// the point it follows then drops its own unless its run is kept whole.
func (l *loader) points(m *Machine, r *Run, whole *result.File, sums []cachedBench, verdicts []cachedVerdict, keep bool) {
	h := l.h
	verdictOf := make(map[string]Verdict, len(verdicts))
	for _, v := range verdicts {
		verdictOf[v.Fullname] = v.Verdict
	}
	seen := make(map[string]bool, len(sums))
	for i := range sums {
		sb := &sums[i]
		if seen[sb.Fullname] {
			continue // duplicates: the first counts, as in compare
		}
		seen[sb.Fullname] = true
		bn := h.ByFullname[sb.Fullname]
		if bn == nil {
			bn = &Benchmark{Name: l.str(sb.Name), Fullname: l.str(sb.Fullname), Group: l.str(sb.Group)}
			h.ByFullname[bn.Fullname] = bn
			h.Benchmarks = append(h.Benchmarks, bn)
		}
		if sb.Group != "" && sb.Group != bn.Group {
			bn.Group = l.str(sb.Group) // the newest group wins
		}
		for len(bn.Series) <= m.Index {
			bn.Series = append(bn.Series, nil)
		}
		s := bn.Series[m.Index]
		if s == nil {
			s = &Series{Benchmark: bn, Machine: m}
			bn.Series[m.Index] = s
		}
		if n := len(s.Points); n > 0 {
			if q := &s.Points[n-1]; !q.keep {
				q.Bench = nil
			}
		}
		p := Point{Run: r, Sum: l.summary(sb), keep: keep}
		if whole != nil {
			c := whole.Benchmarks[i] // the benchmark alone, not the file's whole array
			c.Name, c.Fullname, c.Group = bn.Name, bn.Fullname, l.str(c.Group)
			p.Bench = &c
		}
		if v, ok := verdictOf[sb.Fullname]; ok {
			p.setVerdict(v, l.kinds)
		}
		s.Points = append(s.Points, p)
	}
}

// header is f without its benchmarks.
func (l *loader) header(f *result.File) *result.File {
	return &result.File{
		MachineInfo: f.MachineInfo, // shared (sharedMachineInfo)
		CommitInfo:  f.CommitInfo,
		Datetime:    f.Datetime,
		Version:     l.str(f.Version),
		Shard:       f.Shard,
	}
}

// sharedMachineInfo returns the machine_info equal to mi that runs share;
// data is mi's JSON (nil when it has none: mi is then its own).
func (l *loader) sharedMachineInfo(mi result.MachineInfo, data []byte) result.MachineInfo {
	if data == nil {
		return mi
	}
	if shared, ok := l.mis[string(data)]; ok {
		return shared
	}
	if len(l.mis) >= maxMachineInfos {
		clear(l.mis) // runs that each have their own
	}
	l.mis[string(data)] = mi
	return mi
}

// maxMachineInfos bounds the interned machine_infos.
const maxMachineInfos = 256

func (l *loader) str(s string) string {
	if t, ok := l.strs[s]; ok {
		return t
	}
	l.strs[s] = s
	return s
}

// SafeSegment reports whether s can be used as one path segment (of the
// site's output, say): it comes from a directory listing, so it has no
// separators, but "." and ".." and hidden names are refused.
func SafeSegment(s string) bool {
	return s != "" && !strings.HasPrefix(s, ".") && !strings.ContainsAny(s, `/\`+"\x00")
}

// analyse finds the change points of the loaded series (the rest was
// derived as the files were read).
func (h *History) analyse(opt Options) { h.detect(opt.Changes) }

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
