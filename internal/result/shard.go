package result

// ShardInfo is stored in a file written by `benchsite run --shard I/N`: which
// share of the suite the run measured and the whole plan every shard shares
// (unit → shard index, see package shard). It is benchsite's addition,
// under a top-level key pytest-benchmark ignores; a merged or unsharded run
// has none.
type ShardInfo struct {
	Index int            `json:"index"`
	Count int            `json:"count"`
	Units map[string]int `json:"units"`
}
