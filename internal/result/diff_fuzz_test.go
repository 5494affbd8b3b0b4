package result

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzFastPaths: what decodeFast (a stats object) and decodeFileFast (a
// whole file) accept, encoding/json accepts and reads to the same values:
// the lean scanner never reads a document otherwise. Seeds: every result
// file in testdata, and a stats object and a file with every field.
func FuzzFastPaths(f *testing.F) {
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") && !strings.Contains(p, "fuzz") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(string(data))
			}
		}
		return nil
	})
	for _, s := range []string{
		`{"min": 1.5e-7, "max": 2, "mean": 1.75, "stddev": 0.25, "rounds": 3, "median": 1.75, "iqr": 0.5, "outliers": "1;0", "data": [1.5, 1.75, 2.0], "iterations": 7}`,
		`{"machine_info": {"a": 1}, "commit_info": {"id": "x", "dirty": true}, "benchmarks": [{"group": null, "name": "a", "fullname": "a", "params": {}, "param": "p", "extra_info": {"k": [1]}, "options": {}, "stats": {"min": 1, "max": 1, "mean": 1, "stddev": 0, "rounds": 1, "median": 1, "data": []}}], "datetime": "2026-01-01T00:00:00", "version": "1", "shard": {"index": 1}, "failures": [], "paired": null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var fast, slow Stats
		if fast.decodeFast([]byte(data)) {
			if err := slow.decodeJSON([]byte(data)); err != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("stats %q:\nfast %+v\nslow %+v (%v)", data, fast, slow, err)
			}
		}
		var ff, sf File
		if decodeFileFast([]byte(data), &ff) {
			if err := json.Unmarshal([]byte(data), &sf); err != nil || !reflect.DeepEqual(ff, sf) {
				t.Fatalf("file %q:\nfast %+v\nslow %+v (%v)", data, ff, sf, err)
			}
		}
	})
}
