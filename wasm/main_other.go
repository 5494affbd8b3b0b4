//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main exists so that the package builds (and its run logic can be tested)
// on the host; the program itself is only useful as WebAssembly.
func main() {
	fmt.Fprintln(os.Stderr, "wasm: this is benchsite's browser build; build it with GOOS=js GOARCH=wasm (make wasm, or benchsite build)")
	os.Exit(2)
}
