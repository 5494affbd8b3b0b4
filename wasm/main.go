//go:build js && wasm

// Command wasm is benchsite's browser build (GOOS=js GOARCH=wasm): the
// benchmarks of internal/suite's registry — the very bodies the Go suites in
// tests/benchmarks time — runnable in a reader's browser. It is loaded by
// worker.js inside a Web Worker, never on the page's own thread, because a
// run keeps the thread busy for seconds. panel.js drives the worker.
//
// The module contains every registry entry; which ones a page offers is the
// site's choice (benchsite.toml, [site] browser-benchmarks). That keeps the
// module independent of the configuration, so one cached build serves any
// configuration and a config edit needs no rebuild; the entries the page
// does not offer cost little, since they share their code with the ones it
// does.
//
// On start it sets globalThis.benchsite to an object with, all taking and
// returning JSON text:
//
//	list() → [{"name", "group", "slow"}, ...]
//	run(name, options, progress) → {"benchmark": <pytest-benchmark benchmark>, "calibration", "elapsed"}
//	    options: {"rounds": 10, "roundTime": 0.06, "warmTime": 0.3 (seconds), "fullname", "group"}
//	    progress: called with {"name", "phase", "round", "rounds", "iterations", "seconds"}
//	    after every calibration, warm-up and timed round
//	file({"benchmarks": [...], "machine_info": {...}, "datetime", "version"}) → a result file
//
// Errors (unknown name, bad options, a failing result check, a panic) are
// returned as {"error": "message"}. Time comes from performance.now(). A run
// cannot be interrupted from inside; the page cancels by terminating the
// worker.
package main

import (
	"encoding/json"
	"fmt"

	"syscall/js"

	"github.com/benchsite/benchsite/internal/suite"
)

func main() {
	perf := js.Global().Get("performance")
	now := func() float64 { return perf.Call("now").Float() / 1000 }

	api := js.Global().Get("Object").New()
	api.Set("list", js.FuncOf(func(js.Value, []js.Value) any { return reply(list(), nil) }))
	api.Set("run", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) < 1 || args[0].Type() != js.TypeString {
			return reply(nil, fmt.Errorf("run(name, options, progress): name must be a string"))
		}
		name := args[0].String()
		b, ok := suite.Lookup(name)
		if !ok {
			return reply(nil, fmt.Errorf("no browser benchmark named %q in this build", name))
		}
		var opt runOptions
		if len(args) > 1 && args[1].Type() == js.TypeString {
			if err := json.Unmarshal([]byte(args[1].String()), &opt); err != nil {
				return reply(nil, fmt.Errorf("run options: %w", err))
			}
		}
		var report func(progress)
		if len(args) > 2 && args[2].Type() == js.TypeFunction {
			cb := args[2]
			report = func(p progress) {
				data, _ := json.Marshal(p)
				cb.Invoke(string(data))
			}
		}
		return reply(run(b, opt, now, report))
	}))
	api.Set("file", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var req fileRequest
		if len(args) < 1 || args[0].Type() != js.TypeString {
			return reply(nil, fmt.Errorf("file(request): request must be JSON text"))
		}
		if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			return reply(nil, fmt.Errorf("file request: %w", err))
		}
		data, err := browserFile(req)
		if err != nil {
			return reply(nil, err)
		}
		return string(data)
	}))
	js.Global().Set("benchsite", api)
	// The functions above run on calls from JavaScript; main must not
	// return, or the Go runtime exits and they stop working.
	select {}
}

// reply encodes v, or err as {"error": ...}, as JSON text.
func reply(v any, err error) any {
	if err == nil {
		data, merr := json.Marshal(v)
		if merr == nil {
			return string(data)
		}
		err = merr
	}
	data, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(data)
}
