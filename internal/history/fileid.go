package history

import "os"

// Inode returns the file's inode number, 0 where the platform gives none:
// with its size and modification time, what says a file is the one seen
// before (a file replaced by a rename, as editors and sed -i save, has a new
// one even when its size and time are put back). The history cache and the
// site's page manifest use this one rule.
func Inode(st os.FileInfo) uint64 { return inode(st) }
