package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// Troubleshoot holds the options of benchsite run's troubleshooting flags
// (--profile, --disable-gc, --verbose), after pytest-benchmark's
// --benchmark-cprofile, --benchmark-disable-gc and --benchmark-verbose. The
// zero value changes nothing.
type Troubleshoot struct {
	// Profile, when set, profiles each benchmark in extra rounds after its
	// timed ones: ProfileProcesses more processes (default
	// DefaultProfileProcesses), each running ⌈Rounds/ProfileProcesses⌉
	// rounds of the calibrated iterations with the profiling flags of
	// Profile (profile.Kind.TestFlags). The timed rounds run exactly as
	// without it, in their own process, so profiling never changes the
	// samples; the benchmark's options record profile, profile_rounds and
	// profile_processes.
	Profile          profile.Kind
	ProfileProcesses int
	// Profiled, when set, is called with each profiled benchmark (before
	// it is added to the run, so it may set options) and the profile files
	// its processes wrote, one per process; the files are removed when Run
	// returns. An error stops the run.
	Profiled func(b *result.Benchmark, files []string) error

	// DisableGC runs the benchmark processes (not the go command) with
	// GOGC=off and GOMEMLIMIT=GCOffLimit, and records options.disable_gc
	// true as pytest-benchmark does. With the collector off a benchmark's
	// heap only grows; GOMEMLIMIT makes the runtime collect when the heap
	// reaches the limit instead of swapping, and the runner watches for that
	// collection (GODEBUG=gctrace=1 on stderr; the testing package's own
	// runtime.GC calls between rounds are marked "(forced)" and are fine):
	// the process is stopped at once and the benchmark fails with a message
	// naming the limit. A run without DisableGC also records disable_gc,
	// true only if GOGC=off is set in the environment already.
	DisableGC bool
	// GCOffLimit is GOMEMLIMIT in bytes under DisableGC; default: the
	// GOMEMLIMIT of benchsite's environment if set, else
	// DefaultGCOffLimit().
	GCOffLimit int64

	// Verbose writes to Progress, as they happen: each process's command
	// line, each calibration pass's iterations and time per op, and every
	// round's time (the discarded warm-up round too).
	Verbose bool

	vlog *progress // set by Run when Verbose
}

// DefaultProfileProcesses is how many processes profile a benchmark: a
// profile merged over several processes does not hang on one process's
// memory layout or scheduling.
const DefaultProfileProcesses = 3

// DefaultGCOffLimit is the default GOMEMLIMIT under DisableGC: half the
// machine's memory (Linux's /proc/meminfo), at most 4 GiB; 2 GiB where the
// memory size is unknown.
func DefaultGCOffLimit() int64 {
	const maxLimit, unknown = 4 << 30, 2 << 30
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return unknown
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil || kb <= 0 {
				return unknown
			}
			return min(kb<<10/2, maxLimit)
		}
	}
	return unknown
}

// GCOffLimit returns the memory limit a --disable-gc run uses: GOMEMLIMIT
// of benchsite's environment when set (an error if it is not a limit), else
// DefaultGCOffLimit().
func GCOffLimit() (int64, error) {
	v := os.Getenv("GOMEMLIMIT")
	if v == "" || v == "off" {
		return DefaultGCOffLimit(), nil
	}
	n, err := parseMemLimit(v)
	if err != nil {
		return 0, fmt.Errorf("GOMEMLIMIT=%s in the environment: %v", v, err)
	}
	return n, nil
}

// parseMemLimit reads a GOMEMLIMIT value: bytes, optionally with one of
// the runtime's suffixes B, KiB, MiB, GiB, TiB.
func parseMemLimit(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("not a memory limit; write bytes, e.g. 512MiB or 2GiB")
	}
	return n * mult, nil
}

// checkTroubleshoot validates the options; called from Options.defaults.
func (t *Troubleshoot) checkTroubleshoot() error {
	if t.Profile != "" {
		k, err := profile.ParseKind(string(t.Profile))
		if err != nil {
			return err
		}
		t.Profile = k
		if t.ProfileProcesses == 0 {
			t.ProfileProcesses = DefaultProfileProcesses
		}
		if t.ProfileProcesses < 1 {
			return fmt.Errorf("profile processes = %d: need at least 1", t.ProfileProcesses)
		}
	}
	if t.DisableGC && t.GCOffLimit == 0 {
		n, err := GCOffLimit()
		if err != nil {
			return err
		}
		t.GCOffLimit = n
	}
	if t.GCOffLimit < 0 {
		return fmt.Errorf("GC-off memory limit %d: must be positive", t.GCOffLimit)
	}
	return nil
}

// removeTemp removes Run's temporary folder, except under Verbose: there
// it keeps the test binaries, so that the command lines printed can be
// run again by hand, and says where they are.
func (o *Options) removeTemp(tmp string, p *progress) {
	if !o.Verbose {
		os.RemoveAll(tmp)
		return
	}
	ps, _ := filepath.Glob(filepath.Join(tmp, "profile-*.pprof"))
	for _, f := range ps {
		os.Remove(f)
	}
	p.line("--verbose: the test binaries of the command lines above are kept in %s; remove it when done", tmp)
}

// verbosef writes one --verbose line.
func (o *Options) verbosef(format string, args ...any) {
	if o.vlog != nil {
		o.vlog.line(format, args...)
	}
}

// benchEnv is the environment of the benchmark processes: env() plus
// addedBenchEnv().
func (o *Options) benchEnv() []string { return append(o.env(), o.addedBenchEnv()...) }

// addedBenchEnv is what benchsite adds to its own environment for the
// benchmark processes: Env and, under DisableGC, the collector settings.
func (o *Options) addedBenchEnv() []string {
	added := slices.Clone(o.Env)
	if !o.DisableGC {
		return added
	}
	debug := "gctrace=1"
	for _, kv := range o.env() { // the last GODEBUG wins, as in exec.Cmd
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok && v != "" {
			debug = v + ",gctrace=1"
		}
	}
	return append(added, "GOGC=off", "GOMEMLIMIT="+strconv.FormatInt(o.GCOffLimit, 10), "GODEBUG="+debug)
}

// gcOff reports whether the benchmark processes run without the collector.
func (o *Options) gcOff() bool {
	if o.DisableGC {
		return true
	}
	off := false
	for _, kv := range o.env() {
		if v, ok := strings.CutPrefix(kv, "GOGC="); ok {
			off = strings.EqualFold(v, "off")
		}
	}
	return off
}

// recordOptions adds the troubleshooting options to a benchmark's options.
func (o *Options) recordOptions(opts map[string]any) {
	opts[result.OptDisableGC] = o.gcOff()
}

// gctraceLine matches a line GODEBUG=gctrace=1 prints for each collection.
var gctraceLine = regexp.MustCompile(`^gc \d+ @[0-9.]+s `)

// gcWatch reads a benchmark process's stderr under DisableGC: gctrace lines
// are taken out (they would fill error messages); a collection not forced
// by runtime.GC means the heap reached GOMEMLIMIT, so the process is killed
// at once. Other lines go on to next.
type gcWatch struct {
	next  io.Writer
	limit int64
	kill  func()

	mu   sync.Mutex
	hit  bool
	heap int64 // bytes at the start of the collection that hit; -1 unknown
}

// gctraceHeap matches gctrace's heap sizes "start->end->live MB" (the
// runtime's MB are MiB, bytes>>20).
var gctraceHeap = regexp.MustCompile(` (\d+)->\d+->\d+ MB`)

func (g *gcWatch) line(s string) {
	if !gctraceLine.MatchString(s) {
		io.WriteString(g.next, s+"\n")
		return
	}
	if strings.HasSuffix(strings.TrimSpace(s), "(forced)") {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.hit {
		g.hit = true
		g.heap = -1
		if m := gctraceHeap.FindStringSubmatch(s); m != nil {
			if n, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				g.heap = n << 20
			}
		}
		g.kill()
	}
}

// error returns why the process was killed (a *gcLimitError), or nil. It
// is called once the process has ended and its output is read, so bench
// (the benchmark that was running; "" without -test.v) is final; what is
// the step, as wait has it: a benchmark's name, or "calibration", which
// runs every benchmark of the package in one process.
func (g *gcWatch) error(bench, what string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.hit {
		return nil
	}
	if bench == "" {
		bench = what // measure names its one benchmark
	}
	return &gcLimitError{bench: bench, limit: g.limit, heap: g.heap, shared: what == "calibration"}
}

// gcLimitError is a benchmark process stopped under DisableGC because a
// collection not forced by runtime.GC ran: its heap reached the memory
// limit, or the benchmark turned the collector on itself
// (debug.SetGCPercent), which the heap size at the collection tells apart.
type gcLimitError struct {
	bench  string // running when it happened
	limit  int64
	heap   int64 // heap at the collection's start in bytes, -1 unknown
	shared bool  // in a process that ran other benchmarks before
}

func (e *gcLimitError) Error() string {
	shared := ""
	if e.shared {
		shared = " (in the calibration of several benchmarks in one process, so memory an earlier one kept counts too)"
	}
	const off = "the garbage collector ran although --disable-gc turned it off"
	switch {
	case e.heap < 0:
		// gctrace's format changed: say what is known.
		return fmt.Sprintf("%s, while %s ran%s: the heap reached the memory limit (GOMEMLIMIT=%s), or the benchmark turned the collector on itself (debug.SetGCPercent); run it without --disable-gc, or with fewer rounds or a shorter --round-time",
			off, e.bench, shared, humanBytes(e.limit))
	case e.heap < e.limit/2:
		// The limit makes the runtime collect near it (heap, stacks and
		// runtime overhead together); a heap under half of it is far
		// from the limit.
		return fmt.Sprintf("%s, while %s ran%s, with a heap of %s, far below the memory limit (GOMEMLIMIT=%s): the benchmark turned the collector on itself (debug.SetGCPercent or debug.SetMemoryLimit), so its times would not be GC-off times; run it without --disable-gc",
			off, e.bench, shared, heapSize(e.heap), humanBytes(e.limit))
	}
	return fmt.Sprintf("%s: the heap reached the memory limit (GOMEMLIMIT=%s) while %s ran%s; it allocates more than that in one process (heap %s at the collection): run it without --disable-gc, or with fewer rounds or a shorter --round-time",
		off, humanBytes(e.limit), e.bench, shared, heapSize(e.heap))
}

// calibrateGC is calibrate, except that under DisableGC a calibration that
// reaches the memory limit is done again one top-level benchmark per
// process: the benchmark that allocates past the limit then fails alone,
// named, and the others are measured.
func calibrateGC(ctx context.Context, opt Options, pkg *pkgInfo, p *progress) ([]calEntry, *benchFailed, error) {
	cal, failed, err := calibrate(ctx, opt, pkg, p)
	var ge *gcLimitError
	if !opt.DisableGC || !errors.As(err, &ge) {
		return cal, failed, err
	}
	p.line("%s  the calibration reached the memory limit with the GC off (while %s ran); calibrating each benchmark alone", pkg.ImportPath, ge.bench)
	levels := splitBench(opt.benchFor(pkg))
	names, err := listBenchmarks(ctx, opt, pkg, levels[0])
	if err != nil {
		return nil, nil, err
	}
	failed = &benchFailed{pkg: pkg.ImportPath, logs: map[string]string{}}
	cal = nil
	for _, n := range names {
		one := *pkg
		one.bench = strings.Join(append([]string{"^" + regexp.QuoteMeta(n) + "$"}, levels[1:]...), "/")
		c, f, err := calibrate(ctx, opt, &one, p)
		if errors.As(err, &ge) {
			ge.shared = false
			failed.names = append(failed.names, n)
			failed.logs[n] = ge.Error()
			p.line("%s  FAILED (in calibration)", n)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		cal = append(cal, c...)
		if f != nil {
			failed.names = append(failed.names, f.names...)
			maps.Copy(failed.logs, f.logs)
		}
	}
	if len(failed.names) == 0 {
		failed = nil
	}
	return cal, failed, nil
}

// heapSize writes a heap size from gctrace, which counts whole MiB.
func heapSize(n int64) string {
	if n < 1<<20 {
		return "under 1MiB"
	}
	return humanBytes(n)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0fMiB", float64(n)/(1<<20))
	}
	return strconv.FormatInt(n, 10) + "B"
}

// commandLine writes a process's command line as a shell would take it,
// with the environment benchsite adds.
func commandLine(dir string, env, args []string) string {
	var b strings.Builder
	b.WriteString("cd " + shellQuote(dir) + " && ")
	for _, kv := range env {
		b.WriteString(shellQuote(kv) + " ")
	}
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// calPass names a calibration pass for --verbose: the first (cold) or the
// second (warm, whose iterations are kept).
func calPass(cal []calEntry, name string) string {
	if slices.ContainsFunc(cal, func(c calEntry) bool { return c.name == name }) {
		return "pass 2 (warm, kept)"
	}
	return "pass 1 (cold)"
}

// profileRounds runs the extra profiled rounds of one measured benchmark
// (see Troubleshoot.Profile) and hands the files to Profiled. A failure of
// the benchmark in these rounds (b.Fatal, a panic, the memory limit under
// DisableGC, no profile written) is returned as a *result.Failure with
// Profiling set, and b keeps its timed samples without a profile; err is
// only for what stops the run (a cancelled context, Profiled's error).
func profileRounds(ctx context.Context, opt Options, pkg *pkgInfo, c calEntry, b *result.Benchmark, dir, arm string, p *progress) (*result.Failure, error) {
	if opt.Profile == "" {
		return nil, nil
	}
	procs := opt.ProfileProcesses
	per := (opt.Rounds + procs - 1) / procs
	failed := func(output string) (*result.Failure, error) {
		p.line("%s  FAILED in its %s-profiled rounds (its timed rounds are kept)", c.name, opt.Profile)
		return &result.Failure{Name: c.name, Package: pkg.ImportPath, Arm: arm, Profiling: true,
			Output: strings.TrimRight(output, "\n")}, nil
	}
	var files []string
	for i := range procs {
		path := filepath.Join(dir, fmt.Sprintf("profile-%d.pprof", i))
		os.Remove(path) // an earlier benchmark's
		flags := []string{"-test.run=^$", "-test.bench=" + BenchPattern(c.name),
			"-test.benchtime=" + strconv.Itoa(c.n) + "x", "-test.count=" + strconv.Itoa(per)}
		if opt.Short {
			flags = append(flags, "-test.short")
		}
		flags = append(flags, opt.Profile.TestFlags(path)...)
		p.live("%s  %s profile, process %d/%d", c.name, opt.Profile, i+1, procs)
		run, err := startBinary(ctx, opt, pkg, flags)
		if err != nil {
			return nil, err
		}
		round := 0
		rerr := run.results(pkg.ImportPath, func(res *gobench.Result) {
			if res.Name == c.name && res.HasTime {
				round++
				opt.verbosef("%s  profiled round %d/%d (process %d)  %s/op  (not a sample)", c.name, round, per, i+1, timefmt.Short(res.SecPerOp))
			}
		})
		werr := run.wait(ctx, pkg, c.name+" (profiled rounds)")
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var bf *benchFailed
		switch {
		case errors.As(werr, &bf):
			var out strings.Builder
			for _, n := range bf.names {
				out.WriteString(bf.logs[n])
			}
			return failed(out.String())
		case werr != nil:
			return failed(werr.Error())
		case rerr != nil:
			return failed(rerr.Error())
		}
		if _, err := os.Stat(path); err != nil {
			return failed(fmt.Sprintf("the test binary wrote no %s profile (%v)", opt.Profile, err))
		}
		files = append(files, path)
	}
	if b.Options == nil {
		b.Options = map[string]any{}
	}
	b.Options[result.OptProfile] = string(opt.Profile)
	b.Options[result.OptProfileRounds] = per * procs
	b.Options[result.OptProfileProcesses] = procs
	if opt.Profiled != nil {
		return nil, opt.Profiled(b, files)
	}
	return nil, nil
}
