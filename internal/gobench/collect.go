package gobench

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// Options tune how results become benchmarks.
type Options struct {
	// Module is the import path of the module the benchmarks belong to
	// (e.g. "github.com/benchsite/benchsite"); packages within it get
	// fullnames and groups relative to it ("tests/benchmarks::..."). Empty:
	// import paths are used as they are.
	Module string
	// SkipInvalid skips malformed lines (each listed in Output.Skipped)
	// instead of stopping at the first, as benchstat does; results of the
	// same benchmark on good lines are kept.
	SkipInvalid bool
}

// Output is everything read from one input.
type Output struct {
	Benchmarks []result.Benchmark
	// Config holds the configuration keys that had one value throughout
	// the input (goos, goarch, cpu, ...; pkg only when there was one
	// package).
	Config map[string]string
	// Untimed names the benchmarks left out because no result line of
	// theirs had a time per op.
	Untimed []string
	// Skipped lists the malformed lines skipped under
	// Options.SkipInvalid, in input order.
	Skipped []*SyntaxError
}

// Parse reads Go benchmark output (text or go test -json, auto-detected) and
// returns one result.Benchmark per benchmark, in order of first appearance.
// name is used in errors, which carry name:line.
func Parse(r io.Reader, name string) ([]result.Benchmark, error) {
	out, err := ParseWith(r, name, Options{})
	if err != nil {
		return nil, err
	}
	return out.Benchmarks, nil
}

// ParseWith is Parse with options, returning the input's configuration too.
// The first malformed line is an error (a *SyntaxError, name:line: message),
// unless opt.SkipInvalid.
func ParseWith(r io.Reader, name string, opt Options) (*Output, error) {
	rd := NewReader(r, name)
	c := &Collector{Module: opt.Module}
	var skipped []*SyntaxError
	n := 0
	for {
		res, err := rd.Next()
		if err == io.EOF {
			break
		}
		var se *SyntaxError
		if opt.SkipInvalid && errors.As(err, &se) && !se.Config {
			skipped = append(skipped, se)
			continue
		}
		if err != nil {
			return nil, err
		}
		c.Add(res)
		n++
	}
	out := &Output{Benchmarks: c.Benchmarks(), Config: c.Config(), Untimed: c.Untimed(), Skipped: skipped}
	if err := c.Check(out.Benchmarks); err != nil {
		return nil, err
	}
	if n > 0 && len(out.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no benchmark result has a time per op (ns/op); benchsite records time per operation, so there is nothing to import", name)
	}
	return out, nil
}

// MachineInfo returns the machine_info keys the input's configuration tells:
// goos, goarch, cpu_model, and system/machine derived from them.
func (o *Output) MachineInfo() result.MachineInfo {
	m := result.MachineInfo{}
	if v := o.Config["goos"]; v != "" {
		m["goos"] = v
		m["system"] = SystemName(v)
	}
	if v := o.Config["goarch"]; v != "" {
		m["goarch"] = v
		m["machine"] = v
	}
	if v := strings.TrimSpace(o.Config["cpu"]); v != "" {
		m["cpu_model"] = v
	}
	return m
}

// SystemName gives Python's platform.system() spelling of a GOOS
// ("linux" → "Linux"), which machine ids start with.
func SystemName(goos string) string {
	switch goos {
	case "darwin":
		return "Darwin"
	case "freebsd":
		return "FreeBSD"
	case "netbsd":
		return "NetBSD"
	case "openbsd":
		return "OpenBSD"
	case "aix":
		return "AIX"
	case "js", "wasip1":
		return goos
	}
	if goos == "" {
		return ""
	}
	return strings.ToUpper(goos[:1]) + goos[1:]
}

// Collector groups results into benchmarks. The zero value is ready to use.
type Collector struct {
	Module string // as Options.Module

	groups  []*group
	byKey   map[string]*group
	config  map[string]string
	multi   map[string]bool // config keys seen with more than one value
	untimed []string
	seenUT  map[string]bool
}

// group is every round of one benchmark. Results are distinguished by
// package, name, GOMAXPROCS and the rest of their configuration: the same
// name under "note: before" and "note: after", or at -cpu=1,2, is two
// benchmarks, not one sample.
type group struct {
	pkg, name string
	file      string // where its first round was read
	line      int
	procs     int
	config    map[string]string // without pkg
	data      []float64
	iters     []int
	metrics   map[string][]float64
	units     []string // metric units in order of first appearance
}

// Add adds one result (one round).
func (c *Collector) Add(res *Result) {
	if c.byKey == nil {
		c.byKey = map[string]*group{}
		c.config = map[string]string{}
		c.multi = map[string]bool{}
		c.seenUT = map[string]bool{}
	}
	for k, v := range res.Config {
		if old, ok := c.config[k]; ok && old != v {
			c.multi[k] = true
		}
		c.config[k] = v
	}
	if !res.HasTime {
		if key := res.Pkg + "::" + res.Name; !c.seenUT[key] {
			c.seenUT[key] = true
			c.untimed = append(c.untimed, key)
		}
		return
	}
	cfg := maps.Clone(res.Config)
	delete(cfg, "pkg")
	var key strings.Builder
	fmt.Fprintf(&key, "%s\x00%s\x00%d", res.Pkg, res.Name, res.Procs)
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		fmt.Fprintf(&key, "\x00%s=%s", k, cfg[k])
	}
	g := c.byKey[key.String()]
	if g == nil {
		g = &group{pkg: res.Pkg, name: res.Name, file: res.File, line: res.Line, procs: res.Procs, config: cfg, metrics: map[string][]float64{}}
		c.byKey[key.String()] = g
		c.groups = append(c.groups, g)
	}
	g.data = append(g.data, res.SecPerOp)
	g.iters = append(g.iters, res.Iterations)
	for _, m := range res.Metrics {
		if _, ok := g.metrics[m.Unit]; !ok {
			g.units = append(g.units, m.Unit)
		}
		g.metrics[m.Unit] = append(g.metrics[m.Unit], m.Value)
	}
}

// Check applies result.CheckBenchmark to bs, the result of c.Benchmarks,
// and returns a *SyntaxError at the first line of the first benchmark that
// fails it (e.g. a name that is within the limit alone, but not with its
// package path or the configuration that tells it apart).
func (c *Collector) Check(bs []result.Benchmark) error {
	for i := range bs {
		if field, msg := result.CheckBenchmark(&bs[i]); field != "" {
			g := c.groups[i]
			return &SyntaxError{File: g.file, Line: g.line, Figure: true, Msg: fmt.Sprintf("%s: %s: %s", g.name[:min(len(g.name), 60)], field, msg)}
		}
	}
	return nil
}

// Config returns the configuration keys that had a single value throughout.
func (c *Collector) Config() map[string]string {
	out := map[string]string{}
	for k, v := range c.config {
		if !c.multi[k] {
			out[k] = v
		}
	}
	return out
}

// Untimed lists "pkg::name" of benchmarks without any time per op.
func (c *Collector) Untimed() []string { return slices.Clone(c.untimed) }

// Benchmarks returns one result.Benchmark per benchmark, in order of first
// appearance.
func (c *Collector) Benchmarks() []result.Benchmark {
	// Benchmarks that share package and name but differ in GOMAXPROCS or
	// other configuration get the difference in their names, so that
	// fullnames stay unique (they are the matching key across runs).
	same := map[string][]*group{}
	for _, g := range c.groups {
		k := g.pkg + "\x00" + g.name
		same[k] = append(same[k], g)
	}
	out := make([]result.Benchmark, 0, len(c.groups))
	for _, g := range c.groups {
		name := g.name
		if sib := same[g.pkg+"\x00"+g.name]; len(sib) > 1 {
			name += distinguish(g, sib)
		}
		out = append(out, c.benchmark(g, name))
	}
	return out
}

// distinguish returns the suffix that tells g apart from its siblings: its
// -GOMAXPROCS when that differs, and " [key=value ...]" of the configuration
// keys that differ.
func distinguish(g *group, sib []*group) string {
	var b strings.Builder
	for _, s := range sib {
		if s.procs != g.procs {
			// Go omits the suffix when GOMAXPROCS is 1.
			fmt.Fprintf(&b, "-%d", max(g.procs, 1))
			break
		}
	}
	keys := map[string]bool{}
	for _, s := range sib {
		for k, v := range s.config {
			if g.config[k] != v {
				keys[k] = true
			}
		}
		for k, v := range g.config {
			if s.config[k] != v {
				keys[k] = true
			}
		}
	}
	if len(keys) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			kv = append(kv, k+"="+g.config[k])
		}
		b.WriteString(" [" + strings.Join(kv, " ") + "]")
	}
	return b.String()
}

func (c *Collector) benchmark(g *group, name string) result.Benchmark {
	rel := RelPkg(g.pkg, c.Module)
	full := name
	if rel != "" {
		full = rel + "::" + name
	}
	group := rel
	if rel == "." {
		group = g.pkg // the module's root package: its path says more than "."
	}
	b := result.Benchmark{
		Group:     group,
		Name:      name,
		Fullname:  full,
		ExtraInfo: map[string]any{},
		Options:   map[string]any{},
		Stats:     stats.Compute(slices.Clone(g.data), modeIterations(g.iters)),
	}
	b.Param, b.Params = Params(g.name)
	if b.Params == nil {
		// pytest-benchmark writes null here, but its own `compare --csv`
		// then fails on any file that mixes plain and parametrized
		// benchmarks (bench.get('params', {}).get(...) on None); {} reads
		// the same everywhere else and keeps that export working.
		b.Params = map[string]any{}
	}
	for _, u := range g.units {
		b.ExtraInfo[u] = stats.Median(g.metrics[u])
	}
	return b
}

// RelPkg returns pkg relative to module ("tests/benchmarks"), "." for the
// module's root package, and pkg itself when it is outside the module.
func RelPkg(pkg, module string) string {
	switch {
	case module == "" || pkg == "":
		return pkg
	case pkg == module:
		return "."
	case strings.HasPrefix(pkg, module+"/"):
		return pkg[len(module)+1:]
	}
	return pkg
}

// Params splits a benchmark name (without -GOMAXPROCS) into pytest-style
// param, the sub-benchmark part ("batch=32/size=small"), and params, its
// key=value parts ({"batch": "32", "size": "small"}; nil when there are
// none). Parts without '=' appear in param only.
func Params(name string) (param string, params map[string]any) {
	i := strings.IndexByte(name, '/')
	if i < 0 {
		return "", nil
	}
	param = name[i+1:]
	for _, part := range strings.Split(param, "/") {
		if k, v, ok := strings.Cut(part, "="); ok && k != "" {
			if params == nil {
				params = map[string]any{}
			}
			params[k] = v
		}
	}
	return param, params
}

// modeIterations returns the most common iteration count. Rounds of one
// benchmark normally share b.N, but plain `go test -count=N` re-calibrates
// every round; those rounds are kept (each sample is already per op) and the
// most common N — the largest among equally common — is reported, since
// result.Stats has room for one.
func modeIterations(iters []int) int {
	count := map[int]int{}
	best, bestN := 0, 0
	for _, n := range iters {
		count[n]++
	}
	for n, k := range count {
		if k > bestN || (k == bestN && n > best) {
			best, bestN = n, k
		}
	}
	return best
}

// IsSyntaxError reports whether err is a malformed-line error (as opposed to
// an I/O error).
func IsSyntaxError(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se)
}

// ModulePath returns the module path declared by the go.mod of dir or of its
// nearest parent, for Options.Module; "" when there is none. (A small
// hand-written read of the module directive, since golang.org/x/mod is not a
// dependency: the directive is "module path" or "module \"path\"", with an
// optional // comment.)
func ModulePath(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				line, _, _ = strings.Cut(line, "//")
				f := strings.Fields(line)
				if len(f) == 2 && f[0] == "module" {
					if p, err := strconv.Unquote(f[1]); err == nil {
						return p
					}
					return f[1]
				}
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
