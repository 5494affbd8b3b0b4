package history

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/version"
)

// The cache (Options.Cache) lets a Load reuse what an earlier one read:
// each result file's summary (what Load keeps of a run: its header and its
// benchmarks without samples) keyed by the SHA-256 of the file's bytes, and
// each run's verdicts keyed by the contents of the run's file and its
// baseline's and by the compare options. A file whose size, modification
// time and inode are those of the earlier Load is taken to have the same
// content without being read again (as the go command's build cache does);
// any other file is read and hashed, and decoded when its hash is new.
// Only what the current history uses is written back, so the cache does
// not grow with removed runs. A cache that cannot be read (missing, from
// another version, damaged) is ignored; one that cannot be written costs
// only the next Load's time.

// cacheFile is the content of the file under Options.Cache. It is written
// as a stream of gob messages, one per file and one per run's verdicts
// (see writeCache), so that neither writing nor reading it holds it twice.
type cacheFile struct {
	Version  string // cacheVersion and benchsite's version
	Stats    map[string]fileStat
	Runs     map[[32]byte]*cachedRun
	Verdicts map[string][]cachedVerdict // see verdictKey
}

// cacheVersion changes whenever what is cached, or how a file is read,
// changes.
const cacheVersion = "history-cache-3" // 3: a row not compared (units differ) has no change

// cacheName is the cache's file name under Options.Cache.
const cacheName = "history.gob"

type fileStat struct {
	Size, ModTime int64
	Inode         uint64
	Hash          [32]byte
}

// cachedRun is a run's file as Load keeps it: its header and its
// benchmarks' summaries (see Point.Bench), which the history's points
// share.
type cachedRun struct {
	CommitInfo  result.CommitInfo
	Datetime    string
	Version     string
	Shard       *result.ShardInfo
	MachineInfo []byte // JSON
	Notes       []string
	Benchmarks  []*result.Benchmark
}

type cachedVerdict struct {
	Fullname string
	Verdict  Verdict
}

// cache is the state of the cache during one Load.
type cache struct {
	dir      string
	old, new *cacheFile
	opts     string // the compare options, as part of verdict keys
}

func openCache(dir string, opt compare.Options) *cache {
	c := &cache{dir: dir, opts: fmt.Sprintf("%#v", opt),
		new: &cacheFile{Version: cacheVersion + " " + version.String(), Stats: map[string]fileStat{},
			Runs: map[[32]byte]*cachedRun{}, Verdicts: map[string][]cachedVerdict{}}}
	if dir == "" {
		return c
	}
	f, err := os.Open(filepath.Join(dir, cacheName))
	if err != nil {
		return c
	}
	defer f.Close()
	if old, err := readCache(bufio.NewReader(f)); err == nil && old.Version == c.new.Version {
		c.old = old
	}
	return c
}

// hash returns the SHA-256 of path's content and what identifies the
// file, from the earlier Load when the file's size, modification time and
// inode are unchanged; data is the content when the file had to be read.
func (c *cache) hash(path string) (sum [32]byte, fs fileStat, data []byte, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return sum, fs, nil, err
	}
	if c.dir == "" { // no cache: no hash needed
		data, err = os.ReadFile(path)
		return sum, fs, data, err
	}
	fs = fileStat{Size: st.Size(), ModTime: st.ModTime().UnixNano()}
	fs.Inode = inode(st)
	if c.old != nil {
		if o, ok := c.old.Stats[path]; ok && o.Size == fs.Size && o.ModTime == fs.ModTime && o.Inode == fs.Inode {
			return o.Hash, o, nil, nil
		}
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return sum, fs, nil, err
	}
	fs.Hash = sha256.Sum256(data)
	return fs.Hash, fs, data, nil
}

// run returns the cached summary of the file with content hash sum.
func (c *cache) run(sum [32]byte) *cachedRun {
	if c.old == nil {
		return nil
	}
	return c.old.Runs[sum]
}

func (c *cache) verdictKey(run, base [32]byte) string {
	return fmt.Sprintf("%x %x %s", run, base, c.opts)
}

// verdicts returns the cached verdicts of a run compared with a baseline.
func (c *cache) verdicts(run, base [32]byte) ([]cachedVerdict, bool) {
	if c.old == nil {
		return nil, false
	}
	v, ok := c.old.Verdicts[c.verdictKey(run, base)]
	return v, ok
}

// save writes what this Load used.
func (c *cache) save() {
	if c.dir == "" {
		return
	}
	c.old = nil // what this Load used is in c.new
	if os.MkdirAll(c.dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, cacheName+".tmp-")
	if err != nil {
		return
	}
	w := bufio.NewWriter(tmp)
	if err = writeCache(w, c.new); err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(c.dir, cacheName))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// summarise is what the cache keeps of a decoded file; cacheable is false
// when it cannot be written (a machine_info that JSON cannot write, e.g.
// NaN; a summary value gob cannot), and the summary then serves this Load
// only.
func (l *loader) summarise(f *result.File) (cr *cachedRun, cacheable bool) {
	mi, err := json.Marshal(f.MachineInfo)
	cacheable = err == nil
	cr = &cachedRun{CommitInfo: f.CommitInfo, Datetime: f.Datetime, Version: f.Version, Shard: f.Shard,
		MachineInfo: mi, Notes: f.Notes, Benchmarks: make([]*result.Benchmark, len(f.Benchmarks))}
	for i := range f.Benchmarks {
		b := l.summary(&f.Benchmarks[i])
		cacheable = cacheable && plain(b.ExtraInfo) && plain(b.Options)
		cr.Benchmarks[i] = b
	}
	return cr, cacheable
}

// plain reports whether gob can write m's values (its basic types).
func plain(m map[string]any) bool {
	for _, v := range m {
		switch v.(type) {
		case float64, string, bool:
		default:
			return false
		}
	}
	return true
}

// fileHeader rebuilds a run's file header from its summary, and interns the
// summaries' names and maps.
func (l *loader) fileHeader(cr *cachedRun) (*result.File, error) {
	f := &result.File{CommitInfo: cr.CommitInfo, Datetime: cr.Datetime, Version: cr.Version, Shard: cr.Shard, Notes: cr.Notes}
	var err error
	if f.MachineInfo, err = l.machineInfoJSON(cr.MachineInfo); err != nil {
		return nil, err
	}
	for _, b := range cr.Benchmarks {
		if b == nil {
			return nil, errors.New("history cache: an empty benchmark")
		}
		b.Group, b.Name, b.Fullname, b.Param = l.str(b.Group), l.str(b.Name), l.str(b.Fullname), l.str(b.Param)
		b.Stats.Outliers = l.str(b.Stats.Outliers)
		b.ExtraInfo, b.Options = l.subset(b.ExtraInfo, summaryExtra), l.subset(b.Options, summaryOptions)
	}
	return f, nil
}

func (l *loader) machineInfoJSON(data []byte) (result.MachineInfo, error) {
	if string(data) == l.lastMIJSON {
		return l.lastMI, nil
	}
	var mi result.MachineInfo
	if err := json.Unmarshal(data, &mi); err != nil {
		return nil, err
	}
	l.lastMIJSON, l.lastMI = string(data), mi
	return mi, nil
}

// cacheRecord is one message of the cache file after its version: a
// result file (Path set) or a run's verdicts (Key set); the last has
// neither.
type cacheRecord struct {
	Path     string
	Stat     fileStat
	Run      *cachedRun
	Key      string
	Verdicts []cachedVerdict
}

func writeCache(w io.Writer, cf *cacheFile) error {
	enc := gob.NewEncoder(w)
	if err := enc.Encode(cf.Version); err != nil {
		return err
	}
	for _, p := range slices.Sorted(maps.Keys(cf.Stats)) {
		st := cf.Stats[p]
		if err := enc.Encode(cacheRecord{Path: p, Stat: st, Run: cf.Runs[st.Hash]}); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cf.Verdicts)) {
		if err := enc.Encode(cacheRecord{Key: k, Verdicts: cf.Verdicts[k]}); err != nil {
			return err
		}
	}
	return enc.Encode(cacheRecord{})
}

func readCache(r io.Reader) (*cacheFile, error) {
	dec := gob.NewDecoder(r)
	cf := &cacheFile{Stats: map[string]fileStat{}, Runs: map[[32]byte]*cachedRun{}, Verdicts: map[string][]cachedVerdict{}}
	if err := dec.Decode(&cf.Version); err != nil {
		return nil, err
	}
	for {
		var rec cacheRecord
		if err := dec.Decode(&rec); err != nil {
			return nil, err
		}
		switch {
		case rec.Path != "":
			cf.Stats[rec.Path] = rec.Stat
			if rec.Run != nil {
				cf.Runs[rec.Stat.Hash] = rec.Run
			}
		case rec.Key != "":
			cf.Verdicts[rec.Key] = rec.Verdicts
		default:
			return cf, nil
		}
	}
}
