// benchsite's browser-run worker: loads Go's wasm_exec.js and the benchmark
// module (benchsite.wasm, built from wasm/ with GOOS=js GOARCH=wasm) and runs
// benchmarks on request, off the page's thread, so the page keeps answering
// while a run keeps this thread busy for seconds. panel.js starts it only when
// a reader asks for a run, so the module is fetched only then; cancelling a
// run terminates the worker.
//
// Messages from the page:
//   {type: "load", wasm: URL, wasmExec: URL}
//   {type: "run", id, name, options: {rounds, roundTime, fullname, group}}
//   {type: "file", id, request: {benchmarks, machine_info, datetime, version}}
// Messages to the page:
//   {type: "ready", benchmarks: [{name, group, slow}], timer: {crossOriginIsolated, resolution}}
//   {type: "progress", id, progress: {name, phase, round, rounds, iterations, seconds}}
//   {type: "result", id, result: {benchmark, calibration, elapsed}}
//   {type: "file", id, text}
//   {type: "error", id, error}    (id is absent when loading failed)
'use strict';

var api = null;

// timerResolution returns the smallest step of performance.now() seen in
// up to 20 ms, in seconds: about 5 µs in a crossOriginIsolated context in
// Chromium, 100 µs (with jitter) otherwise; other browsers differ.
function timerResolution() {
  var best = Infinity, steps = 0;
  var end = performance.now() + 20;
  var last = performance.now();
  while (steps < 200) {
    var t = performance.now();
    if (t !== last) {
      if (t - last < best) best = t - last;
      last = t;
      steps++;
    }
    if (t > end) break;
  }
  return best === Infinity ? null : best / 1000;
}

function call(fn, args) {
  var out = JSON.parse(fn.apply(null, args));
  if (out && typeof out === 'object' && typeof out.error === 'string') throw new Error(out.error);
  return out;
}

async function load(msg) {
  importScripts(msg.wasmExec); // defines the Go class
  var go = new Go();
  var result;
  try {
    result = await WebAssembly.instantiateStreaming(fetch(msg.wasm), go.importObject);
  } catch (err) {
    // A server that sends another Content-Type than application/wasm makes
    // instantiateStreaming fail; compiling from the bytes still works.
    var resp = await fetch(msg.wasm);
    if (!resp.ok) throw new Error('cannot fetch ' + msg.wasm + ': HTTP ' + resp.status);
    result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  }
  // go.run runs main until it blocks; by then it has set globalThis.benchsite.
  go.run(result.instance).then(function () {
    api = null;
    self.postMessage({type: 'error', error: 'the Go program in the worker exited'});
  });
  if (!self.benchsite) throw new Error('the wasm module did not set up its API (is it benchsite\'s browser build?)');
  api = self.benchsite;
  self.postMessage({
    type: 'ready',
    benchmarks: call(api.list, []),
    timer: {crossOriginIsolated: !!self.crossOriginIsolated, resolution: timerResolution()}
  });
}

self.onmessage = function (ev) {
  var msg = ev.data || {};
  try {
    switch (msg.type) {
      case 'load':
        load(msg).catch(function (err) {
          self.postMessage({type: 'error', error: 'loading the benchmarks failed: ' + (err && err.message || err)});
        });
        return;
      case 'run':
        if (!api) throw new Error('the benchmarks are not loaded yet');
        var res = call(api.run, [String(msg.name), JSON.stringify(msg.options || {}), function (p) {
          self.postMessage({type: 'progress', id: msg.id, progress: JSON.parse(p)});
        }]);
        self.postMessage({type: 'result', id: msg.id, result: res});
        return;
      case 'file':
        if (!api) throw new Error('the benchmarks are not loaded yet');
        var text = api.file(JSON.stringify(msg.request));
        var parsed = JSON.parse(text);
        if (parsed && typeof parsed.error === 'string') throw new Error(parsed.error);
        self.postMessage({type: 'file', id: msg.id, text: text});
        return;
      default:
        throw new Error('unknown message type ' + JSON.stringify(msg.type));
    }
  } catch (err) {
    self.postMessage({type: 'error', id: msg.id, error: String(err && err.message || err)});
  }
};
