package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// calEntry is one benchmark found by the calibration pass.
type calEntry struct {
	name     string // without -GOMAXPROCS
	procs    int
	n        int     // iterations per round
	secPerOp float64 // as calibrated
}

// watch follows the testing package's own lines in a test binary's output:
// which benchmark runs, its log lines, and its --- FAIL / --- SKIP verdict.
type watch struct {
	current string
	logs    map[string][]string
	failed  []string
	skipped []string
}

func newWatch() *watch { return &watch{logs: map[string][]string{}} }

func (w *watch) line(s string) {
	switch {
	case strings.HasPrefix(s, "--- FAIL: "), strings.HasPrefix(s, "--- SKIP: "):
		name, _, _ := strings.Cut(s[len("--- FAIL: "):], " ")
		if strings.HasPrefix(s, "--- FAIL") {
			w.failed = append(w.failed, name)
		} else {
			w.skipped = append(w.skipped, name)
		}
		// Without -test.v the log lines follow the verdict.
		w.current = name
	case strings.HasPrefix(s, "Benchmark") && !strings.ContainsAny(s, " \t"):
		// -test.v prints a benchmark's name alone when it starts.
		w.current = s
	case strings.HasPrefix(s, "    ") || strings.HasPrefix(s, "\t"):
		if w.current != "" {
			w.logs[w.current] = append(w.logs[w.current], s)
		}
	}
}

// failures describes the failed benchmarks with their log lines; parents
// that failed only because a sub-benchmark did are left out.
func (w *watch) failures() string {
	var b strings.Builder
	for _, name := range w.failed {
		parent := false
		for _, other := range w.failed {
			if strings.HasPrefix(other, name+"/") {
				parent = true
			}
		}
		if parent && len(w.logs[name]) == 0 {
			continue
		}
		fmt.Fprintf(&b, "--- FAIL: %s\n", name)
		for _, l := range w.logs[name] {
			b.WriteString(l + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (w *watch) failedNames() []string {
	var out []string
	for _, name := range w.failed {
		parent := false
		for _, other := range w.failed {
			if strings.HasPrefix(other, name+"/") {
				parent = true
			}
		}
		if !parent || len(w.logs[name]) > 0 {
			out = append(out, name)
		}
	}
	return out
}

// binRun is one run of a test binary.
type binRun struct {
	cmd    *exec.Cmd
	stdout io.ReadCloser
	out    *tail // stdout and stderr, for error messages
	w      *watch
	gc     *gcWatch // under DisableGC
}

func startBinary(ctx context.Context, opt Options, pkg *pkgInfo, args []string) (*binRun, error) {
	cmd := exec.CommandContext(ctx, pkg.binary, args...)
	// As go test does: the package directory, so that testdata/ resolves.
	cmd.Dir = pkg.Dir
	cmd.Env = opt.benchEnv()
	cmd.WaitDelay = 5 * time.Second
	r := &binRun{cmd: cmd, out: &tail{max: 64 << 10}, w: newWatch()}
	if opt.Stderr != nil {
		cmd.Stderr = io.MultiWriter(r.out, opt.Stderr)
	} else {
		cmd.Stderr = r.out
	}
	if opt.DisableGC {
		r.gc = &gcWatch{next: cmd.Stderr, limit: opt.GCOffLimit, kill: func() { cmd.Process.Kill() }}
		cmd.Stderr = &lines{fn: r.gc.line}
	}
	opt.verbosef("$ %s", commandLine(cmd.Dir, opt.addedBenchEnv(), cmd.Args))
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r.stdout = pipe
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the test binary of %s: %v", pkg.ImportPath, err)
	}
	return r, nil
}

// results streams the benchmark results of the run's stdout to fn, as each
// line arrives.
func (r *binRun) results(name string, fn func(*gobench.Result)) error {
	src := io.TeeReader(r.stdout, io.MultiWriter(r.out, &lines{fn: r.w.line}))
	rd := gobench.NewReader(src, name)
	for {
		res, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if gobench.IsSyntaxError(err) {
				// A benchmark printed a line that looks like a
				// result; a missing round is caught by the count.
				continue
			}
			io.Copy(io.Discard, src)
			return err
		}
		fn(res)
	}
}

// benchFailed is the error of a run in which benchmarks failed (--- FAIL):
// their names and each one's log lines.
type benchFailed struct {
	pkg   string
	names []string
	logs  map[string]string
}

func (e *benchFailed) Error() string {
	var b strings.Builder
	for _, n := range e.names {
		fmt.Fprintf(&b, "--- FAIL: %s\n%s", n, e.logs[n])
	}
	return fmt.Sprintf("%s failed in %s:\n%s", strings.Join(e.names, ", "), e.pkg, strings.TrimRight(b.String(), "\n"))
}

// failures returns the failures as the run records them.
func (e *benchFailed) failures(arm string) []result.Failure {
	var out []result.Failure
	for _, n := range e.names {
		out = append(out, result.Failure{Name: n, Package: e.pkg, Arm: arm, Output: strings.TrimRight(e.logs[n], "\n")})
	}
	return out
}

// wait ends the run; a failure is a *benchFailed naming the failed
// benchmarks with their output, or, when the binary died otherwise, an error
// with its last output.
func (r *binRun) wait(ctx context.Context, pkg *pkgInfo, what string) error {
	err := r.cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if r.gc != nil {
		if err := r.gc.error(r.w.current, what); err != nil {
			return err
		}
	}
	if names := r.w.failedNames(); len(names) > 0 {
		bf := &benchFailed{pkg: pkg.ImportPath, names: names, logs: map[string]string{}}
		for _, n := range names {
			var b strings.Builder
			for _, l := range r.w.logs[n] {
				b.WriteString(l + "\n")
			}
			bf.logs[n] = b.String()
		}
		return bf
	}
	if err != nil {
		during := ""
		if r.w.current != "" {
			during = " while running " + r.w.current
		}
		return fmt.Errorf("%s: the test binary of %s exited (%v)%s; its output:\n%s", what, pkg.ImportPath, err, during, r.out.String())
	}
	return nil
}

// calibrate runs every matching benchmark of pkg once for RoundTime and
// returns them with their iterations per round. Benchmarks that fail are
// returned as a *benchFailed beside the others (which are still measured);
// any other error stops the run.
func calibrate(ctx context.Context, opt Options, pkg *pkgInfo, p *progress) ([]calEntry, *benchFailed, error) {
	// Two passes: the first meets a cold process (page faults, caches,
	// the first GC cycles) and would choose too few iterations for a fast
	// benchmark; the second, warm, pass's N is the one kept.
	benchtime := opt.RoundTime.String()
	if opt.calBenchtime != "" {
		benchtime = opt.calBenchtime
	}
	args := []string{"-test.run=^$", "-test.bench=" + opt.benchFor(pkg), "-test.benchtime=" + benchtime,
		"-test.count=2", "-test.benchmem", "-test.v"}
	if opt.Short {
		args = append(args, "-test.short")
	}
	p.live("%s  calibrating…", pkg.ImportPath)
	run, err := startBinary(ctx, opt, pkg, args)
	if err != nil {
		return nil, nil, err
	}
	var cal []calEntry
	err = run.results(pkg.ImportPath, func(res *gobench.Result) {
		if !res.HasTime {
			return
		}
		e := calEntry{name: res.Name, procs: res.Procs, n: res.Iterations, secPerOp: res.SecPerOp}
		opt.verbosef("%s  calibration %s: %d iterations in %s (%s/op)", res.Name, calPass(cal, e.name), res.Iterations, timefmt.Short(res.SecPerOp*float64(res.Iterations)), timefmt.Short(res.SecPerOp))
		if i := slices.IndexFunc(cal, func(c calEntry) bool { return c.name == e.name && c.procs == e.procs }); i >= 0 {
			cal[i] = e // the warm pass
			return
		}
		cal = append(cal, e)
		p.live("%s  calibrating…  %s", pkg.ImportPath, res.Name)
	})
	var failed *benchFailed
	if werr := run.wait(ctx, pkg, "calibration"); werr != nil {
		if !errors.As(werr, &failed) {
			return nil, nil, werr
		}
		// The testing package carries on after a failed benchmark; so
		// do we, leaving out the failed ones (and their parents'
		// entries, a sub-benchmark's failure fails its parent).
		cal = slices.DeleteFunc(cal, func(c calEntry) bool {
			for _, n := range failed.names {
				if c.name == n || strings.HasPrefix(c.name, n+"/") || strings.HasPrefix(n, c.name+"/") {
					return true
				}
			}
			return false
		})
	}
	if err != nil {
		return nil, nil, err
	}
	for _, name := range run.w.skipped {
		reason := strings.TrimSpace(strings.Join(run.w.logs[name], " "))
		// Drop the file:line the testing package prefixes.
		if i := strings.Index(reason, ": "); i >= 0 && strings.Contains(reason[:i], ".go:") {
			reason = reason[i+2:]
		}
		if reason == "" {
			reason = "(no reason given)"
		}
		p.line("%s  skipped: %s", name, reason)
	}
	if len(cal) > 0 {
		p.line("%s  %d benchmark%s", pkg.ImportPath, len(cal), plural(len(cal), "", "s"))
	}
	if failed != nil {
		for _, n := range failed.names {
			p.line("%s  FAILED (in calibration)", n)
		}
	}
	return cal, failed, nil
}

// measure runs Rounds rounds of c.n iterations of one benchmark. A
// benchmark that fails, or whose process dies, is a *benchFailed.
func measure(ctx context.Context, opt Options, pkg *pkgInfo, c calEntry, p *progress) (*result.Benchmark, error) {
	flags := []string{"-test.run=^$", "-test.bench=" + BenchPattern(c.name),
		"-test.benchtime=" + strconv.Itoa(c.n) + "x", "-test.count=" + strconv.Itoa(opt.Rounds+1), "-test.benchmem"}
	if opt.Short {
		flags = append(flags, "-test.short")
	}
	p.live("%s  round 0/%d", c.name, opt.Rounds)
	run, err := startBinary(ctx, opt, pkg, flags)
	if err != nil {
		return nil, err
	}
	coll := &gobench.Collector{Module: pkg.Module}
	var data []float64
	// Each benchmark runs in a fresh process, so its first round pays for
	// cold caches, page faults and the first GC cycles: one extra round is
	// run first and discarded, as pytest-benchmark's warmup does.
	warm := false
	err = run.results(pkg.ImportPath, func(res *gobench.Result) {
		if res.Name != c.name || !res.HasTime {
			return
		}
		if !warm {
			warm = true
			opt.verbosef("%s  warm-up round (discarded)  %s/op", c.name, timefmt.Short(res.SecPerOp))
			p.live("%s  warm-up round done", c.name)
			return
		}
		coll.Add(res)
		data = append(data, res.SecPerOp)
		opt.verbosef("%s  round %d/%d  %s/op", c.name, len(data), opt.Rounds, timefmt.Short(res.SecPerOp))
		p.live("%s  round %d/%d  median %s", c.name, len(data), opt.Rounds, timefmt.Short(stats.Median(data)))
	})
	if werr := run.wait(ctx, pkg, c.name); werr != nil {
		return nil, asFailure(werr, pkg, c.name, run)
	}
	if err != nil {
		return nil, err
	}
	bs := coll.Benchmarks()
	if len(data) != opt.Rounds || len(bs) != 1 {
		return nil, fmt.Errorf("%s in %s: %d of %d rounds reported (did it print to stdout, or skip?); its output:\n%s",
			c.name, pkg.ImportPath, len(data), opt.Rounds, run.out.String())
	}
	b := bs[0]
	b.Options = map[string]any{
		"rounds":                opt.Rounds,
		"iterations":            c.n,
		"round_time":            opt.RoundTime.Seconds(),
		"benchtime":             strconv.Itoa(c.n) + "x",
		"calibration_benchtime": opt.RoundTime.String(),
		"go_test_flags":         flags,
		"build_flags":           slices.Clone(opt.BuildFlags),
		"timer":                 "go test",
		"min_rounds":            opt.Rounds,
		"warmup":                1, // rounds run and discarded first
	}
	if opt.BuildFlags == nil {
		b.Options["build_flags"] = []string{}
	}
	opt.recordOptions(b.Options)
	p.line("%s  %d rounds × %d iterations  median %s", c.name, opt.Rounds, c.n, timefmt.Short(b.Stats.Median))
	return &b, nil
}

// asFailure turns the error of a process that ran one benchmark into that
// benchmark's failure: a crash is the benchmark's fault as much as b.Fatal.
// A cancelled context stays an error.
func asFailure(err error, pkg *pkgInfo, name string, run *binRun) error {
	var bf *benchFailed
	if errors.As(err, &bf) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &benchFailed{pkg: pkg.ImportPath, names: []string{name}, logs: map[string]string{name: err.Error()}}
}

// BenchPattern returns the -test.bench expression that selects exactly the
// benchmark name ("BenchmarkForward/batch=32" → "^BenchmarkForward$/^batch=32$"):
// the testing package splits the expression at slashes and matches each
// level of a name separately, so each level is quoted and anchored.
func BenchPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, s := range parts {
		parts[i] = "^" + regexp.QuoteMeta(s) + "$"
	}
	return strings.Join(parts, "/")
}

// Selects reports whether go test -bench bench runs the benchmark name
// ("BenchmarkForward/batch=32"), by the testing package's rule: the
// expression is split at slashes outside brackets and parentheses
// (splitBench), and each level is an unanchored regexp matched against the
// name's level of the same depth; levels of the name beyond the
// expression's always match. An empty expression, or one that does not
// compile, selects everything (the run itself reports the bad expression).
func Selects(bench, name string) bool {
	if bench == "" {
		return true
	}
	elems := strings.Split(name, "/")
	for i, level := range splitBench(bench) {
		if i >= len(elems) {
			break
		}
		re, err := regexp.Compile(level)
		if err != nil {
			return true
		}
		if !re.MatchString(elems[i]) {
			return false
		}
	}
	return true
}

// progress writes progress lines: on a terminal one live line rewritten in
// place plus the finished lines; otherwise only the finished lines.
type progress struct {
	w     io.Writer
	term  bool
	shown bool
}

func newProgress(w io.Writer, term bool) *progress { return &progress{w: w, term: term} }

const clearLine = "\r\x1b[K"

func (p *progress) live(format string, args ...any) {
	if p.w == nil || !p.term {
		return
	}
	fmt.Fprintf(p.w, clearLine+format, args...)
	p.shown = true
}

func (p *progress) line(format string, args ...any) {
	if p.w == nil {
		return
	}
	if p.term {
		io.WriteString(p.w, clearLine)
	}
	fmt.Fprintf(p.w, format+"\n", args...)
	p.shown = false
}

func (p *progress) clear() {
	if p.w != nil && p.term && p.shown {
		io.WriteString(p.w, clearLine)
		p.shown = false
	}
}
