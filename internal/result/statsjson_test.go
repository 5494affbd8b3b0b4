package result

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// decodeFast reads what it accepts exactly as encoding/json (decodeJSON)
// does, and declines what it does not know.
func TestStatsDecodeFast(t *testing.T) {
	var objects []string
	filepath.WalkDir(filepath.Join("testdata", "pytest-benchmark"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, _ := os.ReadFile(p)
		var f struct {
			Benchmarks []struct{ Stats json.RawMessage }
		}
		if json.Unmarshal(data, &f) == nil {
			for _, b := range f.Benchmarks {
				objects = append(objects, string(b.Stats))
			}
		}
		return nil
	})
	if len(objects) < 10 {
		t.Fatalf("%d stats objects in the fixtures", len(objects))
	}
	full := `{"min": 1.5e-7, "max": 2, "mean": 1.75, "stddev": 0.25, "rounds": 3, "median": 1.75, "iqr": 0.5,
		"q1": 1.5, "q3": 2, "iqr_outliers": 0, "stddev_outliers": 1, "outliers": "1;0", "ld15iqr": 1.5,
		"hd15iqr": 2, "ops": 0.5714285714285714, "total": 5.25, "data": [1.5, 1.75, 2.0], "iterations": 7}`
	accepted := 0
	for _, o := range append(objects, full, `{"min": 1, "max": 1, "mean": 1, "stddev": 0, "rounds": 1, "median": 1, "data": []}`, `{}`) {
		var fast, slow Stats
		ok := fast.decodeFast([]byte(o))
		err := slow.decodeJSON([]byte(o))
		if !ok {
			continue
		}
		accepted++
		if err != nil || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%.200s:\nfast %+v\nslow %+v (%v)", o, fast, slow, err)
		}
	}
	if accepted < len(objects)/2 {
		t.Errorf("the fast path read %d of %d stats objects", accepted, len(objects)+3)
	}
	for _, o := range []string{
		`{"min": null, "max": 1, "mean": 1, "stddev": 0, "rounds": 1, "median": 1}`, // null: absent
		`{"Min": 1}`,           // encoding/json matches keys without case
		`{"min": 1, "min": 2}`, // the last wins there
		`{"rounds": 1.0}`,      // an error there
		`{"rounds": 99999999999999999999}`,
		`{"data": [1, null]}`,       // 0 there, a made-up sample: the slow path refuses
		`{"data": [1, "cut"]}`,      // a hand-cut array
		`{"outliers": "1\u003b0"}`,  // an escape
		`{"min": 1e999}`,            // out of range
		`{"min": 1, "extra": true}`, // an unknown key
		`{"min": 1} x`,
		`{"min": 1,}`,
		`{"min": 01}`,
		`{"min": -}`,
	} {
		var s Stats
		if s.decodeFast([]byte(o)) {
			t.Errorf("decodeFast accepted %s: %+v", o, s)
		}
	}
}

// decodeFileFast decodes every result file of the testdata it accepts to
// what json.Unmarshal decodes, and accepts the files benchsite writes.
func TestDecodeFileFast(t *testing.T) {
	var files []string
	filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	accepted := 0
	check := func(name string, data []byte) {
		var fast, slow File
		if !decodeFileFast(data, &fast) {
			return
		}
		accepted++
		if err := json.Unmarshal(data, &slow); err != nil || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: decodeFileFast differs from json.Unmarshal (%v):\nfast %+v\nslow %+v", name, err, fast, slow)
		}
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		check(p, data)
		// As benchsite writes it.
		var f File
		if json.Unmarshal(data, &f) == nil {
			if enc, err := Encode(&f); err == nil {
				before := accepted
				check(p+" (encoded)", enc)
				if accepted == before && !strings.Contains(string(enc), "NaN") && !strings.Contains(string(enc), "Infinity") {
					t.Errorf("%s: the fast path declines the file Encode wrote", p)
				}
			}
		}
	}
	if accepted < len(files)/2 {
		t.Errorf("the fast path read %d of %d files", accepted, 2*len(files))
	}
	for _, bad := range []string{`{"benchmarks": [{"name": "a", "stats": null}]}`, `{"Benchmarks": []}`, `{"benchmarks": [], "benchmarks": []}`,
		`{"benchmarks": [{"name": "a\u0041"}]}`, `{"benchmarks": [{"name": "a", "extra": 1}]}`, `{"benchmarks": []} x`, `[]`,
		`{"machine_info": {"x": NaN}, "benchmarks": []}`} {
		var f File
		if decodeFileFast([]byte(bad), &f) {
			t.Errorf("decodeFileFast accepted %s", bad)
		}
	}
}
