package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// criterionJSON reads what Criterion.rs keeps of a benchmark under
// target/criterion/<benchmark>/new/: sample.json ({"sampling_mode",
// "iters": [...], "times": [...]}, times in nanoseconds for iters
// iterations each) beside benchmark.json (its ids: full_id, group_id,
// throughput) and estimates.json (Criterion's bootstrap estimates). Every
// sample is measured: times[i] / iters[i] is the time per iteration of
// sample i. Criterion varies the iterations per sample (linear sampling),
// so iterations is the fewest of any sample and extra_info
// "iterations_per_sample" gives the range; its own mean and slope
// estimates go to extra_info. Give `benchsite import` the target/criterion folder
// (ReadCriterionDir: every benchmark, one run) or one sample.json (that
// benchmark alone).
var criterionJSON = &Format{
	ID:      "Criterion",
	Name:    "criterion-json",
	Harness: "Criterion.rs",
	Command: "cargo bench   # then: benchsite import target/criterion",
	detect: func(s *sniff) bool {
		return s.first == '{' && has(s.obj, "sampling_mode", "iters", "times")
	},
	parse: func(data []byte, name string) (*Run, error) {
		b, err := criterionSample(data, name)
		if err != nil {
			return nil, err
		}
		return &Run{Benchmarks: []result.Benchmark{b}}, nil
	},
}

// ReadCriterionDir reads every target/criterion/**/new/sample.json under
// dir (with its benchmark.json and estimates.json) into one run, the
// benchmarks sorted by name. A folder without any is an error.
func ReadCriterionDir(dir string) (*Run, error) {
	var paths []string
	base := strings.Count(filepath.Clean(dir), string(filepath.Separator))
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// <group>/<function>/<value>/new is as deep as Criterion goes;
			// its own report, base and change folders hold no new results.
			switch {
			case strings.Count(filepath.Clean(p), string(filepath.Separator))-base > 5:
				return fs.SkipDir
			case p != dir && (d.Name() == "report" || d.Name() == "base" || d.Name() == "change"):
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == "sample.json" && filepath.Base(filepath.Dir(p)) == "new" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, &result.Error{File: dir, Msg: "reading the folder: " + err.Error()}
	}
	if len(paths) == 0 {
		return nil, &result.Error{File: dir, Msg: "a folder, but no Criterion.rs results in it (no */new/sample.json); give the target/criterion folder, or a result file"}
	}
	// A folder of 10,000 benchmarks is 30,000 small files: they are read
	// and parsed on every core, and the first failing path (in walk order)
	// is the error reported, as a sequential read would.
	run := &Run{Benchmarks: make([]result.Benchmark, len(paths))}
	errs := make([]error, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(paths); i = int(next.Add(1)) - 1 {
				data, err := os.ReadFile(paths[i])
				if err == nil {
					run.Benchmarks[i], err = criterionSample(data, paths[i])
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(run.Benchmarks, func(i, j int) bool { return run.Benchmarks[i].Name < run.Benchmarks[j].Name })
	for i := 1; i < len(run.Benchmarks); i++ {
		if run.Benchmarks[i].Name == run.Benchmarks[i-1].Name {
			return nil, &result.Error{File: dir, Msg: fmt.Sprintf("two benchmarks named %q", run.Benchmarks[i].Name)}
		}
	}
	return criterionJSON.finish(run, dir, nil)
}

// criterionSample reads one sample.json (data, at path name) and the
// benchmark.json and estimates.json beside it.
func criterionSample(data []byte, name string) (result.Benchmark, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return result.Benchmark{}, err
	}
	var s struct {
		Mode  string        `json:"sampling_mode"`
		Iters []json.Number `json:"iters"`
		Times []json.Number `json:"times"`
	}
	if err := d.decode(root, "", &s); err != nil {
		return result.Benchmark{}, err
	}
	if len(s.Times) == 0 || len(s.Times) != len(s.Iters) {
		return result.Benchmark{}, d.errAt(d.at(root, "times"), "times", "%d times for %d iters; expected one time per sample", len(s.Times), len(s.Iters))
	}
	ns, _ := ParseUnit("ns")
	samples := make([]float64, len(s.Times))
	fewest, most := 0.0, 0.0
	for i := range s.Times {
		t, err := d.number(s.Times[i], ns, root, "", "times", fmt.Sprint(i))
		if err != nil {
			return result.Benchmark{}, err
		}
		n, err := d.number(s.Iters[i], Unit{}, root, "", "iters", fmt.Sprint(i))
		if err != nil {
			return result.Benchmark{}, err
		}
		if n <= 0 {
			return result.Benchmark{}, d.errAt(d.at(root, "iters", fmt.Sprint(i)), fmt.Sprintf("iters.%d", i), "%g iterations; a sample needs at least one", n)
		}
		samples[i] = t / n
		if i == 0 || n < fewest {
			fewest = n
		}
		most = max(most, n)
	}
	dir := filepath.Dir(name)
	b := result.Benchmark{Name: filepath.ToSlash(filepath.Dir(dir)), Stats: stats.Compute(samples, int(fewest)),
		ExtraInfo: map[string]any{"sampling_mode": s.Mode}}
	if most != fewest {
		// Linear sampling: every sample runs more iterations than the one
		// before; iterations holds the fewest, extra_info the range.
		b.ExtraInfo["iterations_per_sample"] = fmt.Sprintf("%g to %g", fewest, most)
	}
	// benchmark.json names it; without one, the folder does.
	if raw, err := os.ReadFile(filepath.Join(dir, "benchmark.json")); err == nil {
		var id struct {
			FullID     string          `json:"full_id"`
			GroupID    string          `json:"group_id"`
			Throughput json.RawMessage `json:"throughput"`
		}
		bd := &jdoc{data: raw, name: filepath.Join(dir, "benchmark.json")}
		v, err := bd.root()
		if err == nil {
			err = bd.decode(v, "", &id)
		}
		if err != nil {
			return result.Benchmark{}, err
		}
		if id.FullID != "" {
			b.Name = id.FullID
		}
		if id.GroupID != "" && id.GroupID != id.FullID {
			b.Group = id.GroupID
		}
		if len(id.Throughput) > 0 && string(id.Throughput) != "null" {
			b.ExtraInfo["throughput"] = strings.TrimSpace(string(id.Throughput))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return result.Benchmark{}, err
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "estimates.json")); err == nil {
		var est map[string]struct {
			Point *float64 `json:"point_estimate"`
		}
		if json.Unmarshal(raw, &est) == nil {
			for _, k := range []string{"mean", "median", "slope"} {
				if e, ok := est[k]; ok && e.Point != nil {
					b.ExtraInfo["criterion_"+k] = *e.Point / 1e9
				}
			}
		}
	}
	return b, nil
}
