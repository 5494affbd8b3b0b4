// Package config reads benchsite.toml, the one configuration file of a
// project using benchsite. It lives at the repository root; every key is
// optional and documented in README.md. Unknown keys are an error that names
// the key, so a typo never silently falls back to a default.
//
//	packages = ["./tests/benchmarks/..."]  # what `benchsite run` measures
//	storage  = ".benchmarks"               # the history
//
//	[run]
//	rounds     = 10        # rounds per benchmark (samples for the statistics)
//	round-time = "100ms"   # calibration: iterations per round so a round lasts this long
//	bench      = "."       # default -bench regexp
//	short      = false     # pass -short (skips slow benchmarks)
//
//	[compare]
//	fail   = "mean:10%"    # default --compare-fail
//	alpha  = 0.05          # Mann-Whitney U significance level for noisy breaches
//	strict = false         # true: plain threshold rule, no significance test
//	[compare.thresholds]   # per-benchmark --compare-fail, by name or fullname
//	"BenchmarkForward/batch=1024" = "mean:15%"
//
//	[[groups]]             # first matching pattern names a benchmark's group
//	pattern = "^Benchmark(SetDeterminism|DeterminismInfo|GeneratePatients)\\b"
//	group   = "data generation"
//
//	[[targets]]            # checked against the median on every run and compare
//	benchmark = "BenchmarkSetDeterminism"
//	limit     = "200us"
//	excess    = "10%"
//
//	[site]
//	title = "benchsite"; base-url = "/"; repo-url = ""; out = "public"
//	content = "content"; templates = "templates"; unsafe-html = false
//	browser-benchmarks = ["BenchmarkSetDeterminism", ...]
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/mod/modfile"
)

// FileName is the configuration file looked for in the working directory.
const FileName = "benchsite.toml"

// Config is the parsed configuration with defaults filled in. Paths are as
// written (relative to Dir, the directory holding the file).
type Config struct {
	Dir      string   `toml:"-"`
	Path     string   `toml:"-"` // "" when no file was found (all defaults)
	Packages []string `toml:"packages"`
	Storage  string   `toml:"storage"`
	Run      Run      `toml:"run"`
	Compare  Compare  `toml:"compare"`
	Groups   []Group  `toml:"groups"`
	Targets  []Target `toml:"targets"`
	Site     Site     `toml:"site"`
}

// Run configures `benchsite run`.
type Run struct {
	Rounds    int      `toml:"rounds"`
	RoundTime Duration `toml:"round-time"`
	Bench     string   `toml:"bench"`
	Short     bool     `toml:"short"`
}

// Compare configures the comparison with a baseline.
type Compare struct {
	Fail       string            `toml:"fail"`
	Alpha      float64           `toml:"alpha"`
	Strict     bool              `toml:"strict"`
	Thresholds map[string]string `toml:"thresholds"`
}

// Group assigns benchmarks whose name matches Pattern to Group.
type Group struct {
	Pattern string `toml:"pattern"`
	Group   string `toml:"group"`
}

// Target is a performance target: the median of Benchmark must not exceed
// Limit by more than Excess.
type Target struct {
	Benchmark string   `toml:"benchmark"`
	Limit     Duration `toml:"limit"`
	Excess    Percent  `toml:"excess"`
}

// Site configures `benchsite build` and `benchsite serve`.
type Site struct {
	Title             string   `toml:"title"`
	BaseURL           string   `toml:"base-url"`
	RepoURL           string   `toml:"repo-url"`
	Out               string   `toml:"out"`
	Content           string   `toml:"content"`
	Templates         string   `toml:"templates"`
	UnsafeHTML        bool     `toml:"unsafe-html"`
	BrowserBenchmarks []string `toml:"browser-benchmarks"`
	// Wasm is the directory of the browser build's Go main package
	// (GOOS=js GOARCH=wasm; default "wasm"), built by package wasmbuild
	// when BrowserBenchmarks is not empty; "" leaves the browser runs out.
	Wasm string `toml:"wasm"`
}

// Duration is a time.Duration written as "200us", "1.5ms", "2s" ("µs" too).
type Duration struct{ time.Duration }

// UnmarshalText parses a duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	d.Duration = v
	return err
}

// ParseDuration parses a positive duration such as "200us" or "2ms".
func ParseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (write e.g. \"200us\", \"2ms\", \"1.5s\")", s)
	}
	return v, nil
}

// Percent is a fraction written as "10%".
type Percent struct{ Fraction float64 }

// UnmarshalText parses a percentage.
func (p *Percent) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || !strings.HasSuffix(s, "%") || v < 0 {
		return fmt.Errorf("%q is not a percentage (write e.g. \"10%%\")", s)
	}
	p.Fraction = v / 100
	return nil
}

// Default returns the configuration used when there is no file.
func Default() *Config {
	return &Config{
		Packages: []string{"./..."},
		Storage:  ".benchmarks",
		Run:      Run{Rounds: 10, RoundTime: Duration{100 * time.Millisecond}, Bench: "."},
		Compare:  Compare{Fail: "mean:10%", Alpha: 0.05},
		Site: Site{
			Title: "Benchmarks", BaseURL: "/", Out: "public",
			Content: "content", Templates: "templates", Wasm: "wasm",
		},
	}
}

// Load reads path; a missing file at the default location gives Default().
// explicit says the path was named by the user, so a missing file is an error.
// Without a site.title, the title is the module path of the go.mod beside
// the file (a module measured without any configuration is named by its
// path), or "Benchmarks" when there is none.
func Load(path string, explicit bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return defaultsFor(path), nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse reads a configuration file's content; path, the file it came from,
// is used in errors (path:line:col: message) and to set Path and Dir.
func Parse(data []byte, path string) (*Config, error) {
	c := defaultsFor(path)
	c.Path = path
	md, err := toml.Decode(string(data), c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s: %s", path, unknownKey(und[0]))
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// defaultsFor is Default() for a configuration at path: Dir set, and the
// title the module path of the go.mod beside it, if any.
func defaultsFor(path string) *Config {
	c := Default()
	c.Dir = filepath.Dir(path)
	if mod := modulePath(c.Dir); mod != "" {
		c.Site.Title = mod
	}
	return c
}

// modulePath is the module path of dir/go.mod, "" when there is none or it
// names none.
func modulePath(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return ""
	}
	return modfile.ModulePath(data)
}

// unknownKey says what is wrong with an unknown key and what may be written
// instead: the keys of the table it is in, from Config's own field tags, so
// the message cannot drift from the code.
func unknownKey(k toml.Key) string {
	t := reflect.TypeOf(Config{})
	table, array := "", false
	for i, part := range k[:len(k)-1] {
		f, ok := fieldByTag(t, part)
		if !ok || f.Type.Kind() == reflect.Map {
			break // inside a map (compare.thresholds): any key is allowed
		}
		t, array = f.Type, f.Type.Kind() == reflect.Slice
		if array {
			t = t.Elem()
		}
		table = strings.Join(k[:i+1], ".")
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("toml"); tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	where := "at the top level"
	if table != "" {
		where = "in [" + table + "]"
		if array {
			where = "in [[" + table + "]]"
		}
	}
	return fmt.Sprintf("unknown key %q; the keys %s are %s", k.String(), where, strings.Join(keys, ", "))
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("toml") == tag {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// CheckBaseURL accepts the address a site is published under: an absolute
// http(s) URL or a path from the root ("/", "/repo/"). A relative one would
// break links from pages at different depths (the 404 page).
func CheckBaseURL(s string) error {
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return nil
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return nil
	}
	return fmt.Errorf("%q is neither an http(s) URL nor a path from the root; write e.g. \"https://owner.github.io/repo/\" or \"/\"", s)
}

// CheckRepoURL accepts "" or an absolute http(s) URL: commits are linked
// as <repo-url>/commit/<id>.
func CheckRepoURL(s string) error {
	if s == "" {
		return nil
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return nil
	}
	return fmt.Errorf("%q is not an http(s) URL; write e.g. \"https://github.com/owner/repo\"", s)
}

func (c *Config) validate() error {
	if err := CheckBaseURL(c.Site.BaseURL); err != nil {
		return fmt.Errorf(`key "site.base-url": %w`, err)
	}
	if err := CheckRepoURL(c.Site.RepoURL); err != nil {
		return fmt.Errorf(`key "site.repo-url": %w`, err)
	}
	if len(c.Packages) == 0 {
		return errors.New(`key "packages": empty; name at least one package pattern, e.g. ["./..."]`)
	}
	if c.Storage == "" {
		return errors.New(`key "storage": empty; name the history directory, e.g. ".benchmarks"`)
	}
	if c.Run.Rounds < 1 {
		return fmt.Errorf(`key "run.rounds": %d; need at least 1 (10 or more for statistics)`, c.Run.Rounds)
	}
	if _, err := regexp.Compile(c.Run.Bench); err != nil {
		return fmt.Errorf(`key "run.bench": %v`, err)
	}
	if c.Compare.Alpha <= 0 || c.Compare.Alpha >= 1 {
		return fmt.Errorf(`key "compare.alpha": %g; must be between 0 and 1, e.g. 0.05`, c.Compare.Alpha)
	}
	for i, g := range c.Groups {
		if _, err := regexp.Compile(g.Pattern); err != nil {
			return fmt.Errorf(`key "groups[%d].pattern": %v`, i, err)
		}
		if g.Group == "" {
			return fmt.Errorf(`key "groups[%d].group": empty; name the group`, i)
		}
	}
	for i, t := range c.Targets {
		if t.Benchmark == "" {
			return fmt.Errorf(`key "targets[%d].benchmark": empty; name the benchmark, e.g. "BenchmarkForward/batch=32"`, i)
		}
		if t.Limit.Duration <= 0 {
			return fmt.Errorf(`key "targets[%d].limit": missing; give the target median, e.g. "200us"`, i)
		}
	}
	return nil
}
