// Command falsealarm measures the false-alarm rate and the power of
// benchsite's paired verdicts (benchsite run --against), as issue 8 asks:
//
//   - false alarms: verdicts on unchanged code, from this project's suites
//     (a clean clone of HEAD measured against HEAD) and from a small foreign
//     module created in a temporary git repository, whose second commit only
//     adds an unused function (so the code layout moves), measured against
//     its first commit;
//   - power: in the same module, a working-tree change that makes one
//     benchmark 25 % slower, judged under mean:10%, and one that makes it
//     10 % slower, judged under mean:5%; the unchanged benchmarks of those
//     runs count towards the false alarms.
//
// Each scenario runs -runs times, half on the machine as it is ("idle") and
// half with a CPU-bound process (`yes`, pinned to the last CPU with taskset
// when available) running throughout. Usage, from the repository root:
//
//	go run ./scripts/falsealarm [-runs 10] [-project-runs 10] [-out results.txt]
//	go run ./scripts/falsealarm -simulate 20000   # the rule alone, on simulated pairs
//
// It prints one line per run and a summary: regressions flagged among
// unchanged verdicts (the false-alarm rate), slowdowns flagged (the power),
// with the load average of the machine while it ran. It takes 20-40 minutes
// on a 2-core machine. Rates are measured here, never asserted in go test.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

type row struct {
	Name          string   `json:"name"`
	Status        string   `json:"status"`
	ChangePercent *float64 `json:"change_percent"`
	CILow         *float64 `json:"ci_low_percent"`
	CIHigh        *float64 `json:"ci_high_percent"`
	Pairs         int      `json:"pairs"`
}

type tally struct {
	verdicts, flagged int
	pairs             int
	seconds           float64
	runs              int
}

func (t *tally) rate() float64 {
	if t.verdicts == 0 {
		return 0
	}
	return 100 * float64(t.flagged) / float64(t.verdicts)
}

var (
	bin  string
	logw io.Writer
)

func main() {
	runs := flag.Int("runs", 10, "runs of each foreign-module scenario (half idle, half loaded)")
	projectRuns := flag.Int("project-runs", 10, "runs of this project's suites (half idle, half loaded)")
	out := flag.String("out", "", "also append the log and summary to this file")
	sim := flag.Int("simulate", 0, "only simulate the rule on `N` benchmarks per case (no runs)")
	flag.Parse()
	log.SetFlags(0)
	logw = os.Stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		logw = io.MultiWriter(os.Stdout, f)
	}
	if *sim > 0 {
		simulate(*sim)
		return
	}
	root, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "falsealarm-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin = filepath.Join(tmp, "benchsite")
	must(run(root, nil, "go", "build", "-o", bin, "./cmd/benchsite"))

	// This project at HEAD, in a clean clone: the working tree is HEAD.
	proj := filepath.Join(tmp, "project")
	must(run(root, nil, "git", "clone", "-q", "--no-hardlinks", root, proj))
	mod := foreignModule(tmp)

	unchanged := map[string]*tally{}
	power := map[string]*tally{}
	get := func(m map[string]*tally, k string) *tally {
		if m[k] == nil {
			m[k] = &tally{}
		}
		return m[k]
	}
	loadStart := loadavg()
	started := time.Now()
	for i := 0; i < max(*runs, *projectRuns); i++ {
		for _, loaded := range []bool{false, true} {
			cond := "idle"
			if loaded {
				cond = "loaded"
			}
			stop := func() {}
			if loaded {
				stop = startLoad()
			}
			if i < *projectRuns/2+*projectRuns%2 && !(loaded && i >= *projectRuns/2) {
				rows, secs := verdicts(proj, "HEAD", "mean:10%", "")
				t := get(unchanged, "project/"+cond)
				t.runs++
				t.seconds += secs
				for _, r := range rows {
					t.verdicts++
					t.pairs += r.Pairs
					if r.Status == "regression" {
						t.flagged++
					}
				}
				logRun("project unchanged", cond, rows, secs)
			}
			if i < *runs/2+*runs%2 && !(loaded && i >= *runs/2) {
				// Unchanged: HEAD (adds an unused function) against HEAD~1.
				rows, secs := verdicts(mod, "HEAD~1", "mean:10%", "")
				countUnchanged(get(unchanged, "module/"+cond), rows, "", secs)
				logRun("module unchanged", cond, rows, secs)
				// +25 % under mean:10%.
				rows, secs = verdicts(mod, "HEAD", "mean:10%", "1250")
				countUnchanged(get(unchanged, "module/"+cond), rows, "BenchmarkWork", secs)
				countPower(get(power, "+25% under mean:10%/"+cond), rows, secs)
				logRun("module +25%", cond, rows, secs)
				// +10 % under mean:5%.
				rows, secs = verdicts(mod, "HEAD", "mean:5%", "1100")
				countUnchanged(get(unchanged, "module/"+cond), rows, "BenchmarkWork", secs)
				countPower(get(power, "+10% under mean:5%/"+cond), rows, secs)
				logRun("module +10%", cond, rows, secs)
			}
			stop()
		}
		summarize(unchanged, power, started, loadStart)
	}
	summarize(unchanged, power, started, loadStart)
}

// summarize prints the tallies so far.
func summarize(unchanged, power map[string]*tally, started time.Time, loadStart string) {
	fmt.Fprintf(logw, "\nSummary so far (%s, %s; load average before %s, after %s)\n", time.Now().UTC().Format(time.RFC3339), time.Since(started).Round(time.Second), loadStart, loadavg())
	fmt.Fprintf(logw, "False alarms (regressions flagged on unchanged code):\n")
	all := &tally{}
	for _, k := range sortedKeys(unchanged) {
		t := unchanged[k]
		all.verdicts += t.verdicts
		all.flagged += t.flagged
		fmt.Fprintf(logw, "  %-22s %3d / %3d verdicts = %5.2f %%  (mean %.1f pairs per verdict)\n", k, t.flagged, t.verdicts, t.rate(), float64(t.pairs)/float64(max(t.verdicts, 1)))
	}
	fmt.Fprintf(logw, "  %-22s %3d / %3d verdicts = %5.2f %%\n", "all", all.flagged, all.verdicts, all.rate())
	fmt.Fprintf(logw, "Power (the slowed benchmark flagged):\n")
	for _, k := range sortedKeys(power) {
		t := power[k]
		fmt.Fprintf(logw, "  %-32s %3d / %3d runs = %5.1f %%  (mean %.1f pairs)\n", k, t.flagged, t.verdicts, t.rate(), float64(t.pairs)/float64(max(t.verdicts, 1)))
	}
	if t := unchanged["project/idle"]; t != nil && t.runs > 0 {
		fmt.Fprintf(logw, "Time of one paired run of this project's 8 benchmarks: %.1f s idle", t.seconds/float64(t.runs))
		if l := unchanged["project/loaded"]; l != nil && l.runs > 0 {
			fmt.Fprintf(logw, ", %.1f s loaded", l.seconds/float64(l.runs))
		}
		fmt.Fprintln(logw)
	}
}

func countUnchanged(t *tally, rows []row, except string, secs float64) {
	t.runs++
	t.seconds += secs
	for _, r := range rows {
		if r.Name == except {
			continue
		}
		t.verdicts++
		t.pairs += r.Pairs
		if r.Status == "regression" {
			t.flagged++
		}
	}
}

func countPower(t *tally, rows []row, secs float64) {
	t.runs++
	for _, r := range rows {
		if r.Name == "BenchmarkWork" {
			t.verdicts++
			t.pairs += r.Pairs
			if r.Status == "regression" {
				t.flagged++
			}
		}
	}
}

func logRun(what, cond string, rows []row, secs float64) {
	var b strings.Builder
	for _, r := range rows {
		c, lo, hi := 0.0, 0.0, 0.0
		if r.ChangePercent != nil {
			c = *r.ChangePercent
		}
		if r.CILow != nil && r.CIHigh != nil {
			lo, hi = *r.CILow, *r.CIHigh
		}
		fmt.Fprintf(&b, " %s=%s(%+.1f [%+.1f,%+.1f] n=%d)", short(r.Name), r.Status, c, lo, hi, r.Pairs)
	}
	fmt.Fprintf(logw, "%s %-18s %-6s %5.1fs%s\n", time.Now().UTC().Format("15:04:05"), what, cond, secs, b.String())
}

func short(name string) string {
	return strings.TrimPrefix(name, "Benchmark")
}

// verdicts runs benchsite run --against ref in dir (slowdown, when set, is
// the loop length the working tree's Work gets) and returns the report rows.
func verdicts(dir, ref, check, slowdown string) ([]row, float64) {
	work := filepath.Join(dir, "work.go")
	if slowdown != "" {
		orig, err := os.ReadFile(work)
		must(err)
		must(os.WriteFile(work, bytes.Replace(orig, []byte("hash(1000)"), []byte("hash("+slowdown+")"), 1), 0o644))
		defer os.WriteFile(work, orig, 0o644)
	}
	rep := filepath.Join(dir, "..", fmt.Sprintf("report-%d.json", time.Now().UnixNano()))
	defer os.Remove(rep)
	start := time.Now()
	cmd := exec.Command(bin, "run", "--against", ref, "--compare-fail", check, "--machine", "falsealarm", "--report", rep)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		log.Fatalf("benchsite run in %s: %v\n%s", dir, err, out.String())
	}
	data, err := os.ReadFile(rep)
	must(err)
	var doc struct {
		Rows []row `json:"rows"`
	}
	must(json.Unmarshal(data, &doc))
	return doc.Rows, secs
}

// foreignModule creates the small foreign module: commit 1 with four
// benchmarks, commit 2 adding only an unused function.
func foreignModule(tmp string) string {
	dir := filepath.Join(tmp, "foreign")
	must(os.MkdirAll(dir, 0o755))
	files := map[string]string{
		"go.mod": "module example.com/foreign\n\ngo 1.23\n",
		"work.go": `package foreign

import "sort"

// Work hashes a loop of 1000 steps; the power scenarios lengthen it.
func Work() uint64 { return hash(1000) }

func hash(n int) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < n; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

func Sorted(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = (i * 7919) % n
	}
	sort.Ints(s)
	return s
}

func Count(words []string) map[string]int {
	m := map[string]int{}
	for _, w := range words {
		m[w]++
	}
	return m
}
`,
		"work_test.go": `package foreign

import (
	"strconv"
	"testing"
)

var sink uint64

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += Work()
	}
}

func BenchmarkHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += hash(300)
	}
}

func BenchmarkSort(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += uint64(Sorted(500)[0])
	}
}

func BenchmarkCount(b *testing.B) {
	words := make([]string, 200)
	for i := range words {
		words[i] = strconv.Itoa(i % 37)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink += uint64(len(Count(words)))
	}
}
`,
	}
	for name, body := range files {
		must(os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	env := []string{"GIT_AUTHOR_NAME=fa", "GIT_AUTHOR_EMAIL=fa@example.com", "GIT_COMMITTER_NAME=fa", "GIT_COMMITTER_EMAIL=fa@example.com"}
	must(run(dir, env, "git", "init", "-q"))
	must(run(dir, env, "git", "add", "."))
	must(run(dir, env, "git", "commit", "-q", "-m", "four benchmarks"))
	must(os.WriteFile(filepath.Join(dir, "unused.go"), []byte("package foreign\n\n// Unused is never called: it only moves the code layout.\nfunc Unused(x []int) int {\n\tt := 0\n\tfor _, v := range x {\n\t\tt += v * v\n\t}\n\treturn t\n}\n"), 0o644))
	must(run(dir, env, "git", "add", "."))
	must(run(dir, env, "git", "commit", "-q", "-m", "an unused function"))
	return dir
}

// startLoad starts a CPU-bound process on one core and returns its stop.
func startLoad() func() {
	args := []string{"yes"}
	if p, err := exec.LookPath("taskset"); err == nil {
		args = []string{p, "-c", "1", "yes"}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = io.Discard
	must(cmd.Start())
	return func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func run(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %v\n%s", name, args, err, out)
	}
	return nil
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func sortedKeys(m map[string]*tally) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}
