package history

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
// not grow with removed runs. The new cache is written as a stream while
// the history is read, record by record (see cacheRecord), and what a Load
// took from the earlier one is dropped once used, so the two are never
// held at once. A cache that cannot be read (missing, from
// another version, damaged) is ignored; one that cannot be written costs
// only the next Load's time.

// cacheFile is the earlier Load's cache, as read from the file under
// Options.Cache: a stream of gob messages, the version, then one per file
// and one per run's verdicts (see cacheRecord).
type cacheFile struct {
	Version  string // cacheVersion and benchsite's version
	Stats    map[string]fileStat
	Runs     map[[32]byte]*cachedRun
	Verdicts map[string][]cachedVerdict // see verdictKey
}

// cacheVersion changes whenever what is cached, or how a file is read,
// changes.
const cacheVersion = "history-cache-3"

// cacheName is the cache's file name under Options.Cache.
const cacheName = "history.gob"

type fileStat struct {
	Size, ModTime int64
	Inode         uint64
	Hash          [32]byte
}

// cachedRun is what Load keeps of a run's file: its header and its
// benchmarks' summaries (see Summary).
type cachedRun struct {
	CommitInfo  result.CommitInfo
	Datetime    string
	Version     string
	Shard       *result.ShardInfo
	MachineInfo []byte // JSON
	Notes       []string
	Benchmarks  []cachedBench
}

type cachedVerdict struct {
	Fullname string
	Verdict  Verdict
}

// cache is the state of the cache during one Load.
type cache struct {
	dir  string
	old  *cacheFile // the earlier Load's; entries are deleted once used
	opts string     // the compare options, as part of verdict keys
	// The new cache, written as Load goes: tmp is renamed over the old
	// one by save; after an error (err) nothing more is written.
	tmp *os.File
	w   *bufio.Writer
	enc *gob.Encoder
	err error
}

func openCache(dir string, opt compare.Options) *cache {
	c := &cache{dir: dir, opts: fmt.Sprintf("%#v", opt)}
	if dir == "" {
		return c
	}
	ver := cacheVersion + " " + version.String()
	if f, err := os.Open(filepath.Join(dir, cacheName)); err == nil {
		if old, err := readCache(bufio.NewReader(f)); err == nil && old.Version == ver {
			c.old = old
		}
		f.Close()
	}
	if c.err = os.MkdirAll(dir, 0o755); c.err != nil {
		return c
	}
	if c.tmp, c.err = os.CreateTemp(dir, cacheName+".tmp-"); c.err != nil {
		return c
	}
	c.w = bufio.NewWriter(c.tmp)
	c.enc = gob.NewEncoder(c.w)
	c.err = c.enc.Encode(ver)
	return c
}

// put writes one record of the new cache.
func (c *cache) put(rec *cacheRecord) {
	if c.enc != nil && c.err == nil {
		c.err = c.enc.Encode(rec)
	}
}

// forget drops what the earlier cache held for a file once it is used.
// Two files with the same content then decode the second (the same
// outcome).
func (c *cache) forget(path string, sum [32]byte) {
	if c.old != nil {
		delete(c.old.Stats, path)
		delete(c.old.Runs, sum)
	}
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
	k := c.verdictKey(run, base)
	v, ok := c.old.Verdicts[k]
	delete(c.old.Verdicts, k)
	return v, ok
}

// save finishes the new cache and puts it in place of the earlier one.
func (c *cache) save() {
	if c.tmp == nil {
		return
	}
	c.old = nil
	c.put(&cacheRecord{})
	if c.err == nil {
		c.err = c.w.Flush()
	}
	if err := c.tmp.Close(); c.err == nil {
		c.err = err
	}
	if c.err == nil {
		c.err = os.Rename(c.tmp.Name(), filepath.Join(c.dir, cacheName))
	}
	if c.err != nil {
		os.Remove(c.tmp.Name())
	}
	c.tmp = nil
}

// close removes the new cache's file when save was not reached (Load
// stopped on an error).
func (c *cache) close() {
	if c.tmp != nil {
		c.tmp.Close()
		os.Remove(c.tmp.Name())
		c.tmp = nil
	}
}

// summarise is what the cache keeps of a decoded file; cacheable is false
// when it cannot be written (a machine_info that JSON cannot write, e.g.
// NaN; an option value gob cannot), and the summary then serves this Load
// only.
func summarise(f *result.File) (cr *cachedRun, cacheable bool) {
	mi, err := json.Marshal(f.MachineInfo)
	cacheable = err == nil
	cr = &cachedRun{CommitInfo: f.CommitInfo, Datetime: f.Datetime, Version: f.Version, Shard: f.Shard,
		MachineInfo: mi, Notes: f.Notes, Benchmarks: make([]cachedBench, len(f.Benchmarks))}
	for i := range f.Benchmarks {
		cr.Benchmarks[i] = cachedSummary(&f.Benchmarks[i])
		cacheable = cacheable && plain(cr.Benchmarks[i].Options)
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

// fileHeader rebuilds a run's file header from its summary.
func (l *loader) fileHeader(cr *cachedRun) (*result.File, error) {
	f := &result.File{CommitInfo: cr.CommitInfo, Datetime: cr.Datetime, Version: l.str(cr.Version), Shard: cr.Shard, Notes: cr.Notes}
	var err error
	if f.MachineInfo, err = l.machineInfoJSON(cr.MachineInfo); err != nil {
		return nil, err
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
