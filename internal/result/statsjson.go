package result

import (
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
	nan := math.NaN()
	st := Stats{Min: nan, Max: nan, Mean: nan, Median: nan, Stddev: nan, OPS: nan, Total: nan, Rounds: absentInt, Iterations: absentInt}
	var seen [32]bool
	sc := jscan.New(b)
	ok := sc.Object(func(k []byte) bool {
		i := -1
		for j, key := range statsKeys {
			if string(k) == key {
				i = j
				break
			}
		}
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
	if !ok || !sc.End() {
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
