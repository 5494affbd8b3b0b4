// Package runner runs Go benchmark suites in pytest-benchmark's model — each
// benchmark measured in rounds of a fixed number of iterations — and returns
// the run as a result.File.
//
// How a run goes, and why:
//
//  1. `go list` (the user's own go command) expands the package patterns and
//     tells each package's directory and module; packages without test files
//     are dropped.
//  2. `go test -c -o <tmpdir>` compiles every package's test binary once, all
//     packages in one go command (Go ≥ 1.21) so they build in parallel.
//     Running `go test` per benchmark instead would relink the binary each
//     time, about a second per benchmark.
//  3. Calibration: each binary runs once with
//     `-test.run=^$ -test.bench=<Bench> -test.benchtime=<RoundTime> -test.count=1 -test.benchmem -test.v`.
//     Go's own ramp-up finds each benchmark's N, the iterations that make a
//     round last at least RoundTime; the pass also warms caches up and lists
//     the benchmarks, their failures and skips (-test.v prints skips).
//  4. Rounds: per benchmark, one process with
//     `-test.bench=^Base$/^sub$ -test.benchtime=<N>x -test.count=<Rounds> -test.benchmem`
//     (each name level anchored and quoted: the testing package matches the
//     levels of a name separately). Every round runs the same N — the
//     pytest-benchmark model, where a sample is round time / iterations —
//     which plain `go test -count` cannot do (it re-calibrates each count).
//     The output is read line by line as it comes, so progress shows each
//     finished round.
//
// RunPaired (paired.go) measures two revisions side by side in interleaved
// process pairs instead; Checkout unpacks a revision to measure.
//
// Each benchmark's per-round seconds per op become stats.data; B/op,
// allocs/op and b.ReportMetric units go to extra_info (package gobench).
// machine_info is this machine's (package machine), with go_version, goos and
// goarch of the toolchain that built the benchmarks; commit_info is Dir's.
package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/machine"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/shard"
	"github.com/benchsite/benchsite/internal/version"
)

// Defaults of Options.
const (
	DefaultRounds    = 10
	DefaultRoundTime = 100 * time.Millisecond
)

// Group assigns benchmarks whose name matches Pattern (a regular expression,
// unanchored, matched against names like "BenchmarkForward/batch=32") to
// group Name.
type Group struct {
	Pattern string
	Name    string
}

// Options of a run. The zero value runs every benchmark of ./... in the
// current directory with the defaults.
type Options struct {
	Dir       string        // where the go command runs (the module); "" = current directory
	Packages  []string      // package patterns; default ./...
	Bench     string        // -bench regular expression; default "."
	Rounds    int           // rounds per benchmark; default DefaultRounds
	RoundTime time.Duration // minimum duration of a round; default DefaultRoundTime
	Short     bool          // pass -test.short to the benchmarks
	// Groups are tried in order; the first whose pattern matches a
	// benchmark's name sets its group. Unmatched benchmarks are grouped by
	// package path relative to the module ("tests/benchmarks").
	Groups   []Group
	Progress io.Writer // progress lines; nil for none
	Terminal bool      // Progress is a terminal: rewrite a live line in place
	GoCmd    string    // the go command; default "go"

	Env        []string  // added to the environment of the go command and the benchmarks
	BuildFlags []string  // extra flags for go list and go test -c, e.g. "-tags=foo"
	Stderr     io.Writer // where the benchmarks' stderr also goes; nil: kept for error messages only

	calBenchtime string // -test.benchtime of the calibration pass; "" = RoundTime

	// Shard, when set, measures one share of the suite; the run's
	// File.Shard records it.
	Shard *ShardOptions

	Troubleshoot // --profile, --disable-gc, --verbose (troubleshoot.go)
}

// Run runs the benchmarks and returns the run. A package that does not build
// is an error carrying the go command's output. A benchmark that fails
// (b.Fatal, b.Error, a panic) does not stop the run: as go test and
// pytest-benchmark do, the others are measured, and the failed one is named
// in the run's Failures with its output. Skipped benchmarks are reported on
// Progress and left out.
func Run(ctx context.Context, opt Options) (*result.File, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	groups, err := compileGroups(opt.Groups)
	if err != nil {
		return nil, err
	}
	p := newProgress(opt.Progress, opt.Terminal)
	defer p.clear()
	if opt.Verbose {
		opt.vlog = p
	}

	tc, err := toolchain(ctx, opt)
	if err != nil {
		return nil, err
	}
	pkgs, err := listPackages(ctx, opt)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "benchsite-")
	if err != nil {
		return nil, err
	}
	defer opt.removeTemp(tmp, p)
	p.live("building %d test binar%s…", len(pkgs), plural(len(pkgs), "y", "ies"))
	if err := build(ctx, opt, tc, pkgs, tmp); err != nil {
		return nil, err
	}

	f := &result.File{
		MachineInfo: machine.Info(),
		CommitInfo:  machine.Commit(opt.Dir),
		Datetime:    time.Now().Format("2006-01-02T15:04:05.000000-07:00"),
		Version:     "benchsite " + version.String(),
		Benchmarks:  []result.Benchmark{},
	}
	tc.apply(f.MachineInfo)
	if opt.Shard != nil {
		plan, err := selectShard(ctx, opt, pkgs, opt.Shard)
		if err != nil {
			return nil, err
		}
		f.Shard = shard.Info(opt.Shard.Spec, plan)
	}

	for _, pkg := range pkgs {
		if pkg.otherShards {
			continue
		}
		cal, failed, err := calibrateGC(ctx, opt, pkg, p)
		if err != nil {
			return nil, err
		}
		if failed != nil {
			f.Failures = append(f.Failures, failed.failures("")...)
		}
		for _, c := range cal {
			if c.procs > 0 {
				f.MachineInfo["gomaxprocs"] = c.procs
			}
			b, err := measure(ctx, opt, pkg, c, p)
			var bf *benchFailed
			if errors.As(err, &bf) {
				f.Failures = append(f.Failures, bf.failures("")...)
				p.line("%s  FAILED", c.name)
				continue
			}
			if err != nil {
				return nil, err
			}
			for _, g := range groups {
				if g.re.MatchString(b.Name) {
					b.Group = g.name
					break
				}
			}
			pf, err := profileRounds(ctx, opt, pkg, c, b, tmp, "", p)
			if err != nil {
				return nil, err
			}
			if pf != nil {
				f.Failures = append(f.Failures, *pf)
			}
			f.Benchmarks = append(f.Benchmarks, *b)
		}
	}
	if len(f.Benchmarks) == 0 && len(f.Failures) == 0 && f.Shard == nil {
		return nil, fmt.Errorf("no benchmark matched -bench %q in %s", opt.Bench, strings.Join(opt.Packages, " "))
	}
	return f, nil
}

func (o *Options) defaults() error {
	if o.Dir == "" {
		o.Dir = "."
	}
	if len(o.Packages) == 0 {
		o.Packages = []string{"./..."}
	}
	if o.Bench == "" {
		o.Bench = "."
	}
	if o.Rounds == 0 {
		o.Rounds = DefaultRounds
	}
	if o.RoundTime == 0 {
		o.RoundTime = DefaultRoundTime
	}
	if o.GoCmd == "" {
		o.GoCmd = "go"
	}
	if o.Rounds < 1 {
		return fmt.Errorf("rounds = %d: need at least 1", o.Rounds)
	}
	if o.RoundTime < 0 {
		return fmt.Errorf("round time %v: must be positive", o.RoundTime)
	}
	return o.checkTroubleshoot()
}

type compiledGroup struct {
	re   *regexp.Regexp
	name string
}

func compileGroups(gs []Group) ([]compiledGroup, error) {
	var out []compiledGroup
	for _, g := range gs {
		re, err := regexp.Compile(g.Pattern)
		if err != nil {
			return nil, fmt.Errorf("group %q: pattern %q is not a valid regular expression: %v", g.Name, g.Pattern, err)
		}
		out = append(out, compiledGroup{re, g.Name})
	}
	return out, nil
}

// env is the environment of every command run.
func (o *Options) env() []string {
	return append(os.Environ(), o.Env...)
}

type toolchainInfo struct {
	Version string `json:"GOVERSION"`
	GOOS    string `json:"GOOS"`
	GOARCH  string `json:"GOARCH"`
	GOEXE   string `json:"GOEXE"`
}

// toolchain asks the user's go command which Go builds the benchmarks.
func toolchain(ctx context.Context, opt Options) (toolchainInfo, error) {
	var tc toolchainInfo
	out, err := goCmd(ctx, opt, "go env", "env", "-json", "GOVERSION", "GOOS", "GOARCH", "GOEXE")
	if err != nil {
		return tc, err
	}
	if err := json.Unmarshal(out, &tc); err != nil {
		return tc, fmt.Errorf("%s env -json: %v", opt.GoCmd, err)
	}
	return tc, nil
}

func (tc toolchainInfo) apply(m result.MachineInfo) {
	m["go_version"] = tc.Version
	m["goos"] = tc.GOOS
	m["goarch"] = tc.GOARCH
}

// MachineInfo returns machine_info as Run records it: this machine's, with
// go_version, goos and goarch of the go command that builds the benchmarks
// (opt.GoCmd in opt.Dir, which may differ from the Go benchsite was built
// with). Its ID() names the run's storage folder, so look baselines up by it.
func MachineInfo(ctx context.Context, opt Options) (result.MachineInfo, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	tc, err := toolchain(ctx, opt)
	if err != nil {
		return nil, err
	}
	m := machine.Info()
	tc.apply(m)
	return m, nil
}

// pkgInfo is one package to benchmark.
type pkgInfo struct {
	ImportPath, Dir, Module string
	binary                  string // test binary, once built
	// bench restricts the package to its benchmarks of this run's shard
	// ("" = Options.Bench); otherShards is set when it has none there.
	bench       string
	otherShards bool
}

// listPackages expands opt.Packages into the packages that have tests.
func listPackages(ctx context.Context, opt Options) ([]*pkgInfo, error) {
	args := []string{"list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{with .Module}}{{.Path}}{{end}}\t{{join .TestGoFiles \"\\x00\"}}\t{{join .XTestGoFiles \"\\x00\"}}"}
	args = append(args, opt.BuildFlags...)
	args = append(args, opt.Packages...)
	out, err := goCmd(ctx, opt, "go list "+strings.Join(opt.Packages, " "), args...)
	if err != nil {
		return nil, err
	}
	var pkgs []*pkgInfo
	for _, line := range strings.Split(strings.TrimRight(string(out), "\r\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			continue
		}
		p := &pkgInfo{ImportPath: f[0], Dir: f[1], Module: f[2]}
		// Only packages whose test files declare a benchmark are
		// built: compiling every test binary of ./... would cost far
		// more than this look at the sources.
		if hasBenchmark(p.Dir, strings.Split(f[3]+"\x00"+f[4], "\x00")) {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no benchmarks: no test file in %s (in %s) declares a func Benchmark…", strings.Join(opt.Packages, " "), opt.Dir)
	}
	return pkgs, nil
}

// build compiles the test binaries into dir. `go test -c -o dir` names a
// binary after the last element of the import path, so packages that share
// it are built in separate batches; toolchains before Go 1.21 (one package
// per -c) build one package at a time.
func build(ctx context.Context, opt Options, tc toolchainInfo, pkgs []*pkgInfo, dir string) error {
	multi := goAtLeast(tc.Version, 1, 21)
	var batches [][]*pkgInfo
	for _, p := range pkgs {
		name := testBinaryName(p.ImportPath) + tc.GOEXE
		placed := false
		for i := range batches {
			if !multi {
				break
			}
			clash := false
			for _, q := range batches[i] {
				if filepath.Base(q.binary) == name {
					clash = true
					break
				}
			}
			if !clash {
				batches[i] = append(batches[i], p)
				p.binary = filepath.Join(dir, strconv.Itoa(i), name)
				placed = true
				break
			}
		}
		if !placed {
			batches = append(batches, []*pkgInfo{p})
			p.binary = filepath.Join(dir, strconv.Itoa(len(batches)-1), name)
		}
	}
	for i, batch := range batches {
		out := filepath.Join(dir, strconv.Itoa(i))
		if err := os.Mkdir(out, 0o755); err != nil {
			return err
		}
		args := []string{"test", "-c", "-o", out + string(filepath.Separator)}
		args = append(args, opt.BuildFlags...)
		var paths []string
		for _, p := range batch {
			paths = append(paths, p.ImportPath)
		}
		args = append(args, paths...)
		if _, err := goCmd(ctx, opt, "building the test binaries (go test -c "+strings.Join(paths, " ")+")", args...); err != nil {
			return err
		}
		for _, p := range batch {
			if _, err := os.Stat(p.binary); err != nil {
				return fmt.Errorf("%s test -c did not write the test binary of %s (%s)", opt.GoCmd, p.ImportPath, p.binary)
			}
		}
	}
	return nil
}

// testBinaryName mirrors cmd/go: the last import path element, skipping a
// major version suffix ("example.com/m/v2" → "m").
func testBinaryName(importPath string) string {
	dir, elem := path.Split(importPath)
	if dir != "" && isVersionElement(elem) {
		_, elem = path.Split(strings.TrimSuffix(dir, "/"))
	}
	return elem + ".test"
}

func isVersionElement(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' || s[1] == '1' && len(s) == 2 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || '9' < s[i] {
			return false
		}
	}
	return true
}

// goAtLeast reports whether a GOVERSION like "go1.26.8" is at least
// major.minor; unknown versions (devel builds) count as new.
func goAtLeast(v string, major, minor int) bool {
	v = strings.TrimPrefix(v, "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return true
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return true
	}
	return ma > major || ma == major && mi >= minor
}

// goCmd runs the go command in opt.Dir and returns its stdout; a failure is
// an error starting with what (what was being done) followed by everything
// the command printed.
func goCmd(ctx context.Context, opt Options, what string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, opt.GoCmd, args...)
	cmd.Dir = opt.Dir
	cmd.Env = opt.env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("%s: running %s: %v (is Go installed? the go command can be set with GoCmd)", what, opt.GoCmd, err)
		}
		msg := strings.TrimSpace(stderr.String() + "\n" + stdout.String())
		return nil, fmt.Errorf("%s failed (%v):\n%s", what, err, msg)
	}
	return stdout.Bytes(), nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// lines splits a stream into lines for a callback, as an io.Writer.
type lines struct {
	buf []byte
	fn  func(string)
}

func (l *lines) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.fn(strings.TrimRight(string(l.buf[:i]), "\r"))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// tail keeps the last max bytes written, for error messages.
type tail struct {
	max int
	buf []byte
	cut bool
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
		t.cut = true
	}
	return len(p), nil
}

func (t *tail) String() string {
	s := strings.TrimRight(string(t.buf), "\n")
	if t.cut {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
		s = "[…]\n" + s
	}
	return s
}

// benchDecl matches a benchmark function's declaration in a test file.
var benchDecl = regexp.MustCompile(`(?m)^func Benchmark`)

func hasBenchmark(dir string, files []string) bool {
	for _, name := range files {
		if name == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || benchDecl.Match(data) {
			return true // unreadable: let the build say why
		}
	}
	return false
}
