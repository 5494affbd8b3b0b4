package result

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/benchsite/benchsite/internal/jscan"
)

// statsKeys are the members of a stats object in the order Encode writes
// them, as pytest-benchmark writes them.
var statsKeys = []string{"min", "max", "mean", "stddev", "rounds", "median", "iqr", "q1", "q3",
	"iqr_outliers", "stddev_outliers", "outliers", "ld15iqr", "hd15iqr", "ops", "total", "data", "iterations"}

// decodeFast reads a stats object as pytest-benchmark and benchsite write
// it — each of statsKeys at most once, spelt exactly, every value a number
// (an integer for the counts, a string for outliers, an array of numbers
// for data), no null — into s, as encoding/json would, and settles it. It
// returns false, s untouched, for anything else, which UnmarshalJSON then
// reads with encoding/json: the tolerance of odd files and the errors stay
// there. A run of 10,000 benchmarks holds a million samples; through
// encoding/json each stats object is scanned twice more (checked, then
// decoded by reflection) after the file's own pass.
func (s *Stats) decodeFast(b []byte) bool {
	sc := jscan.New(b)
	var t Stats
	if !t.scan(sc) || !sc.End() {
		return false
	}
	*s = t
	return true
}

// scan is decodeFast of the stats object at sc.
func (s *Stats) scan(sc *jscan.Scanner) bool {
	nan := math.NaN()
	st := Stats{Min: nan, Max: nan, Mean: nan, Median: nan, Stddev: nan, OPS: nan, Total: nan, Rounds: absentInt, Iterations: absentInt}
	var seen [32]bool
	ok := sc.Object(func(k []byte) bool {
		i := keyIndex(statsKeys, k)
		if i < 0 || seen[i] {
			return false
		}
		seen[i] = true
		key := statsKeys[i]
		f, n := st.field(key)
		switch {
		case key == "outliers":
			v, ok := sc.Str()
			st.Outliers = string(v)
			return ok
		case key == "data":
			if !sc.Eat('[') {
				return false
			}
			st.Data = []float64{} // "[]" is an empty array, not a missing one
			if sc.Eat(']') {
				return true
			}
			for {
				t, ok := sc.Num()
				if !ok {
					return false
				}
				v, err := strconv.ParseFloat(string(t), 64)
				if err != nil {
					return false
				}
				st.Data = append(st.Data, v)
				if sc.Eat(']') {
					return true
				}
				if !sc.Eat(',') {
					return false
				}
			}
		case n != nil:
			t, ok := sc.Num()
			if !ok {
				return false
			}
			v, err := strconv.ParseInt(string(t), 10, strconv.IntSize)
			*n = int(v)
			return err == nil
		}
		t, ok := sc.Num()
		if !ok {
			return false
		}
		v, err := strconv.ParseFloat(string(t), 64)
		*f = v
		return err == nil
	})
	if !ok {
		return false
	}
	*s = st
	s.settle()
	return true
}

// field returns where the number called key goes: a float64 or an int.
func (s *Stats) field(key string) (*float64, *int) {
	switch key {
	case "min":
		return &s.Min, nil
	case "max":
		return &s.Max, nil
	case "mean":
		return &s.Mean, nil
	case "stddev":
		return &s.Stddev, nil
	case "median":
		return &s.Median, nil
	case "iqr":
		return &s.IQR, nil
	case "q1":
		return &s.Q1, nil
	case "q3":
		return &s.Q3, nil
	case "ld15iqr":
		return &s.LD15IQR, nil
	case "hd15iqr":
		return &s.HD15IQR, nil
	case "ops":
		return &s.OPS, nil
	case "total":
		return &s.Total, nil
	case "rounds":
		return nil, &s.Rounds
	case "iqr_outliers":
		return nil, &s.IQROutliers
	case "stddev_outliers":
		return nil, &s.StddevOutliers
	case "iterations":
		return nil, &s.Iterations
	}
	return nil, nil
}

// decodeFileFast decodes a result file into f as json.Unmarshal does, in
// one pass over the text, for a file of the shape benchsite and
// pytest-benchmark write: the keys of File and Benchmark spelt exactly, once
// each; strings without escapes (or null); stats objects as decodeFast
// reads them. Free-form values (machine_info, commit_info, params,
// extra_info, options, shard, failures, paired) are decoded by encoding/json
// from their own text. It returns false for anything else, f then to be
// discarded, and Decode reads the file with encoding/json, which places
// errors and tolerates the rest. Through encoding/json alone, a run of
// 10,000 benchmarks with a million samples is scanned three times (checked,
// skipped past to each stats object, decoded).
func decodeFileFast(data []byte, f *File) bool {
	sc := jscan.New(data)
	var seen [8]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	ok := sc.Object(func(k []byte) bool {
		switch string(k) {
		case "machine_info":
			return once(0) && scanJSON(sc, &f.MachineInfo)
		case "commit_info":
			return once(1) && scanJSON(sc, &f.CommitInfo)
		case "datetime":
			return once(2) && scanString(sc, &f.Datetime)
		case "version":
			return once(3) && scanString(sc, &f.Version)
		case "shard":
			return once(4) && scanJSON(sc, &f.Shard)
		case "failures":
			return once(5) && scanJSON(sc, &f.Failures)
		case "paired":
			return once(6) && scanJSON(sc, &f.Paired)
		case "benchmarks":
			if !once(7) {
				return false
			}
			if sc.Peek() == 'n' {
				return sc.Word("null")
			}
			if !sc.Eat('[') {
				return false
			}
			f.Benchmarks = []Benchmark{}
			if sc.Eat(']') {
				return true
			}
			for {
				var b Benchmark
				if !b.scan(sc) {
					return false
				}
				f.Benchmarks = append(f.Benchmarks, b)
				if sc.Eat(']') {
					return true
				}
				if !sc.Eat(',') {
					return false
				}
			}
		}
		return false
	})
	return ok && sc.End()
}

// benchmarkKeys are the keys of a benchmark object that scan reads.
var benchmarkKeys = []string{"group", "name", "fullname", "params", "param", "extra_info", "options", "stats"}

// keyIndex is the index of k in keys, or -1 (compared as bytes: no
// allocation on the fast path).
func keyIndex(keys []string, k []byte) int {
	for j, key := range keys {
		if string(k) == key {
			return j
		}
	}
	return -1
}

// scan reads a benchmark object for decodeFileFast.
func (b *Benchmark) scan(sc *jscan.Scanner) bool {
	var seen [8]bool
	return sc.Object(func(k []byte) bool {
		i := keyIndex(benchmarkKeys, k)
		if i < 0 || seen[i] {
			return false
		}
		seen[i] = true
		switch i {
		case 0:
			return scanString(sc, &b.Group)
		case 1:
			return scanString(sc, &b.Name)
		case 2:
			return scanString(sc, &b.Fullname)
		case 3:
			return scanMap(sc, &b.Params)
		case 4:
			return scanString(sc, &b.Param)
		case 5:
			return scanMap(sc, &b.ExtraInfo)
		case 6:
			return scanMap(sc, &b.Options)
		}
		return sc.Peek() == '{' && b.Stats.scan(sc)
	})
}

// scanString reads a string without escapes, or null (which encoding/json
// leaves as it is, "" here).
func scanString(sc *jscan.Scanner, dst *string) bool {
	if sc.Peek() == 'n' {
		return sc.Word("null")
	}
	v, ok := sc.Str()
	*dst = string(v)
	return ok
}

// scanMap reads a free-form object: {} without encoding/json, as it
// decodes it (an empty map, not nil).
func scanMap(sc *jscan.Scanner, dst *map[string]any) bool {
	if sc.Peek() == '{' {
		save := *sc
		if sc.Eat('{') && sc.Eat('}') {
			*dst = map[string]any{}
			return true
		}
		*sc = save
	}
	return scanJSON(sc, dst)
}

// scanJSON reads any value the scanner understands and decodes it into dst
// with encoding/json.
func scanJSON(sc *jscan.Scanner, dst any) bool {
	raw, ok := sc.Raw()
	return ok && json.Unmarshal(raw, dst) == nil
}
