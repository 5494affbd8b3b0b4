package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/benchsite/benchsite/internal/jscan"
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
//
// A folder of 10,000 benchmarks is 30,000 small files: they are read and
// decoded on every core (GOMAXPROCS workers, each with its own buffers),
// each benchmark into its own slot, so the run and the error reported —
// the first failing path in walk order, as a sequential read would report
// it — do not depend on the scheduling.
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
			case p != dir && d.Name() == "new":
				// A result's new folder holds its three files and nothing
				// else: one stat instead of listing 10,000 such folders.
				sample := filepath.Join(p, "sample.json")
				if st, err := os.Stat(sample); err == nil && st.Mode().IsRegular() {
					paths = append(paths, sample)
					return fs.SkipDir
				}
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
	run := &Run{Benchmarks: make([]result.Benchmark, len(paths))}
	errs := make([]error, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			var r criterionReader
			for i := int(next.Add(1)) - 1; i < len(paths); i = int(next.Add(1)) - 1 {
				data, err := r.read(paths[i])
				if err == nil {
					run.Benchmarks[i], err = r.benchmark(data, paths[i])
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

// criterionReader reads a benchmark's files, reusing its buffers from one
// benchmark to the next (one reader per goroutine).
type criterionReader struct {
	buf   []byte    // the file being read
	iters []float64 // sample.json's iters
}

// read returns the content of the file at path, in r's buffer: valid until
// the next read.
func (r *criterionReader) read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r.buf = r.buf[:0]
	for {
		if len(r.buf) == cap(r.buf) {
			r.buf = append(r.buf, 0)[:len(r.buf)]
		}
		n, err := f.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if err == io.EOF {
			return r.buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// criterionSample reads one sample.json (data, at path name) and the
// benchmark.json and estimates.json beside it.
func criterionSample(data []byte, name string) (result.Benchmark, error) {
	var r criterionReader
	return r.benchmark(data, name)
}

// benchmark reads one sample.json (data, at path name) and the
// benchmark.json and estimates.json beside it. Each file is read by the
// lean scanner (package jscan) first and, where it declines, by encoding/json,
// which reads the unusual file or places its error.
func (r *criterionReader) benchmark(data []byte, name string) (result.Benchmark, error) {
	mode, samples, fewest, most, ok := r.samplesFast(data)
	if !ok {
		var err error
		if mode, samples, fewest, most, err = samplesSlow(data, name); err != nil {
			return result.Benchmark{}, err
		}
	}
	dir := filepath.Dir(name)
	b := result.Benchmark{Name: filepath.ToSlash(filepath.Dir(dir)), Stats: stats.Compute(samples, int(fewest)),
		ExtraInfo: map[string]any{"sampling_mode": mode}}
	if most != fewest {
		// Linear sampling: every sample runs more iterations than the one
		// before; iterations holds the fewest, extra_info the range.
		b.ExtraInfo["iterations_per_sample"] = fmt.Sprintf("%g to %g", fewest, most)
	}
	// benchmark.json names it; without one, the folder does.
	idPath := filepath.Join(dir, "benchmark.json")
	if raw, err := r.read(idPath); err == nil {
		if !criterionIDFast(raw, &b) {
			if err := criterionIDSlow(raw, idPath, &b); err != nil {
				return result.Benchmark{}, err
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return result.Benchmark{}, err
	}
	if raw, err := r.read(filepath.Join(dir, "estimates.json")); err == nil {
		if !criterionEstimatesFast(raw, &b) {
			criterionEstimatesSlow(raw, &b)
		}
	}
	return b, nil
}

// samplesFast reads a sample.json of Criterion's own shape — the keys
// sampling_mode, iters and times once each, numbers without signs, at
// least one iteration per sample — into its samples in seconds per
// iteration and the fewest and most iterations of a sample; ok is false
// for anything else (samplesSlow reads it or says what is wrong). The
// figures are those of samplesSlow to the last bit: each time is converted
// from its decimal text as Unit.Value converts it.
func (r *criterionReader) samplesFast(data []byte) (mode string, samples []float64, fewest, most float64, ok bool) {
	s := jscan.New(data)
	var seen [3]bool
	r.iters = r.iters[:0]
	ok = s.Object(func(k []byte) bool {
		switch string(k) {
		case "sampling_mode":
			if seen[0] {
				return false
			}
			seen[0] = true
			m, ok := s.Str()
			switch string(m) { // the modes Criterion writes, without a copy
			case "Linear":
				mode = "Linear"
			case "Flat":
				mode = "Flat"
			case "Auto":
				mode = "Auto"
			default:
				mode = string(m)
			}
			return ok
		case "iters":
			if seen[1] {
				return false
			}
			seen[1] = true
			var ok bool
			r.iters, ok = numbers(s, r.iters, 0)
			return ok
		case "times":
			if seen[2] {
				return false
			}
			seen[2] = true
			var ok bool
			samples, ok = numbers(s, make([]float64, 0, max(len(r.iters), 16)), -9)
			return ok
		}
		return false
	})
	if !ok || !s.End() || !seen[0] || !seen[1] || !seen[2] || len(samples) == 0 || len(samples) != len(r.iters) {
		return "", nil, 0, 0, false
	}
	for i, n := range r.iters {
		if n <= 0 {
			return "", nil, 0, 0, false
		}
		samples[i] /= n
		if i == 0 || n < fewest {
			fewest = n
		}
		most = max(most, n)
	}
	return mode, samples, fewest, most, true
}

// numbers appends the numbers of the array at s to dst, each × 10^exp10
// (see decimalValue); ok is false for an array of anything else.
func numbers(s *jscan.Scanner, dst []float64, exp10 int) ([]float64, bool) {
	if !s.Eat('[') {
		return dst, false
	}
	if s.Eat(']') {
		return dst, true
	}
	for {
		t, ok := s.Num()
		if !ok {
			return dst, false
		}
		v, ok := decimalValue(t, exp10)
		if !ok {
			return dst, false
		}
		dst = append(dst, v)
		if s.Eat(']') {
			return dst, true
		}
		if !s.Eat(',') {
			return dst, false
		}
	}
}

// decimalValue is scaleDecimal of a JSON number's text, without its
// allocations in the common case (no sign, no exponent): the float64
// nearest to t × 10^exp10, parsed once from the text with the exponent
// added, so to the last bit what Unit.Value returns.
func decimalValue(t []byte, exp10 int) (float64, bool) {
	var buf [48]byte
	if len(t) > 32 || bytes.ContainsAny(t, "eE-") {
		v, err := scaleDecimal(string(t), exp10)
		return v, err == nil
	}
	n := copy(buf[:], t)
	if exp10 != 0 {
		buf[n] = 'e'
		n = len(strconv.AppendInt(buf[:n+1], int64(exp10), 10))
	}
	v, err := strconv.ParseFloat(string(buf[:n]), 64)
	return v, err == nil
}

// samplesSlow reads sample.json with encoding/json: what samplesFast
// declines, and the errors, placed at the offending value.
func samplesSlow(data []byte, name string) (mode string, samples []float64, fewest, most float64, err error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return "", nil, 0, 0, err
	}
	var s struct {
		Mode  string        `json:"sampling_mode"`
		Iters []json.Number `json:"iters"`
		Times []json.Number `json:"times"`
	}
	if err := d.decode(root, "", &s); err != nil {
		return "", nil, 0, 0, err
	}
	if len(s.Times) == 0 || len(s.Times) != len(s.Iters) {
		return "", nil, 0, 0, d.errAt(d.at(root, "times"), "times", "%d times for %d iters; expected one time per sample", len(s.Times), len(s.Iters))
	}
	ns, _ := ParseUnit("ns")
	samples = make([]float64, len(s.Times))
	for i := range s.Times {
		t, err := d.number(s.Times[i], ns, root, "", "times", fmt.Sprint(i))
		if err != nil {
			return "", nil, 0, 0, err
		}
		n, err := d.number(s.Iters[i], Unit{}, root, "", "iters", fmt.Sprint(i))
		if err != nil {
			return "", nil, 0, 0, err
		}
		if n <= 0 {
			return "", nil, 0, 0, d.errAt(d.at(root, "iters", fmt.Sprint(i)), fmt.Sprintf("iters.%d", i), "%g iterations; a sample needs at least one", n)
		}
		samples[i] = t / n
		if i == 0 || n < fewest {
			fewest = n
		}
		most = max(most, n)
	}
	return s.Mode, samples, fewest, most, nil
}

// criterionIDFast reads benchmark.json's full_id, group_id and throughput
// into b; false when the file is not of the shape jscan reads, or has a
// key encoding/json would take for one of those (it matches keys without
// regard to case), or one of them twice.
func criterionIDFast(raw []byte, b *result.Benchmark) bool {
	s := jscan.New(raw)
	var full, group, thr []byte
	var seen [3]bool
	ok := s.Object(func(k []byte) bool {
		var i int
		switch {
		case string(k) == "full_id":
			i = 0
		case string(k) == "group_id":
			i = 1
		case string(k) == "throughput":
			i = 2
		case bytes.EqualFold(k, []byte("full_id")) || bytes.EqualFold(k, []byte("group_id")) || bytes.EqualFold(k, []byte("throughput")):
			return false
		default:
			return s.Skip()
		}
		if seen[i] {
			return false
		}
		seen[i] = true
		if i == 2 {
			var ok bool
			thr, ok = s.Raw()
			return ok
		}
		if s.Peek() == 'n' {
			return s.Word("null")
		}
		v, ok := s.Str()
		if i == 0 {
			full = v
		} else {
			group = v
		}
		return ok
	})
	if !ok || !s.End() {
		return false
	}
	if len(full) > 0 {
		b.Name = string(full)
	}
	if len(group) > 0 && string(group) != b.Name {
		b.Group = string(group)
	}
	if len(thr) > 0 && string(thr) != "null" {
		b.ExtraInfo["throughput"] = string(thr)
	}
	return true
}

// criterionIDSlow is criterionIDFast with encoding/json, placing errors.
func criterionIDSlow(raw []byte, path string, b *result.Benchmark) error {
	var id struct {
		FullID     string          `json:"full_id"`
		GroupID    string          `json:"group_id"`
		Throughput json.RawMessage `json:"throughput"`
	}
	bd := &jdoc{data: raw, name: path}
	v, err := bd.root()
	if err == nil {
		err = bd.decode(v, "", &id)
	}
	if err != nil {
		return err
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
	return nil
}

// criterionEstimates are the keys of estimates.json kept (as
// extra_info "criterion_<key>", in seconds).
var criterionEstimates = []string{"mean", "median", "slope"}

// criterionEstimatesFast reads the point_estimate of each of
// criterionEstimates from estimates.json into b; false when the file is not
// of the shape jscan reads, repeats a key kept, or holds what
// criterionEstimatesSlow's decoding refuses (a member that is not an
// object, a point_estimate that is not a number), which leaves every
// estimate out.
func criterionEstimatesFast(raw []byte, b *result.Benchmark) bool {
	s := jscan.New(raw)
	var point [3]float64
	var have, seen [3]bool
	ok := s.Object(func(k []byte) bool {
		i := slices.Index(criterionEstimates, string(k))
		if i >= 0 {
			if seen[i] {
				return false
			}
			seen[i] = true
		}
		if s.Peek() == 'n' {
			return s.Word("null")
		}
		return s.Object(func(k []byte) bool {
			if !bytes.EqualFold(k, []byte("point_estimate")) {
				return s.Skip()
			}
			if string(k) != "point_estimate" || i >= 0 && have[i] {
				return false
			}
			if s.Peek() == 'n' {
				return s.Word("null")
			}
			t, ok := s.Num()
			if !ok {
				return false
			}
			v, err := strconv.ParseFloat(string(t), 64)
			if i >= 0 {
				point[i], have[i] = v, true
			}
			return err == nil
		})
	})
	if !ok || !s.End() {
		return false
	}
	for i, k := range criterionEstimates {
		if have[i] {
			b.ExtraInfo["criterion_"+k] = point[i] / 1e9
		}
	}
	return true
}

// criterionEstimatesSlow is criterionEstimatesFast with encoding/json; an
// estimates.json it cannot read is left out (the estimates are Criterion's
// own, kept beside the samples, never needed).
func criterionEstimatesSlow(raw []byte, b *result.Benchmark) {
	var est map[string]struct {
		Point *float64 `json:"point_estimate"`
	}
	if json.Unmarshal(raw, &est) != nil {
		return
	}
	for _, k := range criterionEstimates {
		if e, ok := est[k]; ok && e.Point != nil {
			b.ExtraInfo["criterion_"+k] = *e.Point / 1e9
		}
	}
}
