// benchsite's "Run in your browser" panel. It fills every element that has a
// data-benchsite-run attribute:
//
//   <section data-benchsite-run data-root="../" [data-benchmark="BenchmarkX" data-fullname="pkg::BenchmarkX"] [data-rounds="10"]
//     [data-list=… data-worker=… data-wasm=… data-wasm-exec=…]></section>
//
// data-root leads to the site root; the other URLs default to the site's
// data/browser.json (the browser-runnable benchmarks with their published
// native medians), wasm/worker.js, wasm/benchsite.wasm and wasm/wasm_exec.js.
// data-fullname (else data-benchmark, a name) restricts the panel to one
// benchmark (a benchmark page).
//
// Runs happen in a Web Worker (worker.js) started on the first click, so the
// module is downloaded only then and the page keeps answering; Cancel
// terminates the worker. Each row shows the browser's median, min and IQR in
// the unit of the published figure, the published native median of the newest
// run, and the ratio. Browser runs stay in this page: they are never added to
// the site's history; "Download JSON" saves them as a pytest-benchmark file.
//
// Names and every other text come from result files anyone can write, so the
// DOM is built with createElement and textContent only, never innerHTML.
(function () {
  'use strict';

  var UNITS = [['ns', 1e9], ['µs', 1e6], ['ms', 1e3], ['s', 1]];

  // unitFor picks the unit FormatSeconds (internal/target) would use for v.
  function unitFor(v) {
    var a = Math.abs(v);
    if (!isFinite(a) || a === 0 || a >= 1) return UNITS[3];
    if (a < 1e-6) return UNITS[0];
    if (a < 1e-3) return UNITS[1];
    return UNITS[2];
  }

  // fmt shows v seconds in unit u with three significant digits.
  function fmt(v, u) {
    if (typeof v !== 'number' || !isFinite(v)) return '—';
    return Number((v * u[1]).toPrecision(3)).toString() + ' ' + u[0];
  }

  function micro(s) {
    if (typeof s !== 'number' || !isFinite(s)) return 'unknown';
    return Number((s * 1e6).toPrecision(3)) + ' µs';
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // breakable writes name into e as text, with a <wbr> after each "/", "="
  // and "_", so a narrow screen wraps "BenchmarkForward/batch=32" between its
  // parts rather than mid-word (the site's templates do the same).
  function breakable(e, name) {
    // (A capturing split, not a lookbehind, which older Safari cannot parse.)
    String(name).split(/([\/=_])/).forEach(function (part, i) {
      e.appendChild(document.createTextNode(part));
      if (i % 2 === 1) e.appendChild(document.createElement('wbr'));
    });
  }

  // newest returns the published figure of the newest run (by date).
  function newest(pub) {
    var best = null, bestT = -Infinity;
    (Array.isArray(pub) ? pub : []).forEach(function (p) {
      if (!p || typeof p.median !== 'number' || !isFinite(p.median) || p.median <= 0) return;
      var t = Date.parse(p.date);
      if (isNaN(t)) t = -Infinity;
      if (best === null || t > bestT) { best = p; bestT = t; }
    });
    return best;
  }

  // localResolution measures the page's own performance.now() step (the
  // worker measures its own again once loaded).
  function localResolution() {
    var best = Infinity, steps = 0, end = performance.now() + 10, last = performance.now();
    while (steps < 50) {
      var t = performance.now();
      if (t !== last) { best = Math.min(best, t - last); last = t; steps++; }
      if (t > end) break;
    }
    return best === Infinity ? null : best / 1000;
  }

  function pytestDatetime(d) {
    return d.toISOString().replace('Z', '000+00:00');
  }

  function mount(root) {
    if (root.getAttribute('data-benchsite-mounted')) return;
    root.setAttribute('data-benchsite-mounted', '1');
    var base = new URL(root.getAttribute('data-root') || './', document.baseURI);
    function url(attr, def) { return new URL(root.getAttribute(attr) || def, base).href; }
    // sameSite resolves a link from the list; links elsewhere (another
    // origin, javascript:, data:) are dropped: the list is data.
    function sameSite(u) {
      if (typeof u !== 'string' || u === '') return null;
      try {
        var x = new URL(u, base);
        return (x.protocol === 'http:' || x.protocol === 'https:') && x.origin === location.origin ? x.href : null;
      } catch (e) {
        return null;
      }
    }
    var cfg = {
      list: url('data-list', 'data/browser.json'),
      worker: url('data-worker', 'wasm/worker.js'),
      wasm: url('data-wasm', 'wasm/benchsite.wasm'),
      wasmExec: url('data-wasm-exec', 'wasm/wasm_exec.js'),
      only: root.getAttribute('data-benchmark'),
      onlyFull: root.getAttribute('data-fullname'),
      rounds: parseInt(root.getAttribute('data-rounds') || '10', 10) || 10
    };

    while (root.firstChild) root.removeChild(root.firstChild);
    root.classList.add('benchsite-run');

    var timer = el('p', 'br-timer');
    var controls = el('div', 'br-controls');
    var runAll = el('button', 'br-run-all', 'Run all in your browser');
    runAll.type = 'button';
    var cancel = el('button', 'br-cancel', 'Cancel');
    cancel.type = 'button';
    cancel.disabled = true;
    var download = el('button', 'br-download', 'Download JSON');
    download.type = 'button';
    download.disabled = true;
    download.title = 'Save the browser runs of this page as a pytest-benchmark result file';
    var status = el('span', 'br-status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    controls.append(runAll, cancel, download, status);
    var bar = el('progress', 'br-progress');
    bar.max = 1;
    bar.value = 0;
    bar.hidden = true;

    var wrap = el('div', 'table-wrap br-wrap');
    var table = el('table', 'grid br-table cards-sm');
    wrap.appendChild(table);
    var head = table.createTHead().insertRow();
    var labels = ['Benchmark', 'Published (native)', 'Your browser: median', 'min', 'IQR', 'Browser ÷ native', ''];
    labels.forEach(function (h, i) {
      var th = el('th', i >= 1 && i <= 5 ? 'num' : null, h);
      th.scope = 'col';
      head.appendChild(th);
    });
    var tbody = table.createTBody();
    var note = el('p', 'br-note', 'Your browser runs the same Go code as the native suites, compiled to WebAssembly and run on one thread ' +
      'in a Web Worker; the published figure comes from the native runner on the machine named beside it, so the ratio mixes both ' +
      'differences. Browser runs stay on this page: they never enter the site\'s history.');
    // On a benchmark's own page the panel stays one line of buttons until
    // a run starts.
    var single = !!(cfg.only || cfg.onlyFull);
    if (single) wrap.hidden = true;
    root.append(controls, bar, wrap, timer, note);

    // The timer situation, stated before any run.
    function showTimer(isolated, res, where) {
      var s;
      if (isolated) {
        s = 'This page is cross-origin isolated, so the browser gives fine timers: performance.now() moves in steps of ' +
          micro(res) + ' ' + where + '.';
      } else {
        s = 'This page is not cross-origin isolated (crossOriginIsolated is false): its server did not send the ' +
          'Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers, which GitHub Pages cannot send. ' +
          'The browser therefore coarsens performance.now() (measured step ' + where + ': ' + micro(res) + '; ' +
          'Chromium uses 100 µs, some browsers 1 ms). Each round lasts about 60 ms and the figure is a median over rounds, ' +
          'so the coarse timer adds little, but expect more noise than on the preview server (benchsite serve), which sends those headers.';
      }
      timer.textContent = s;
      root.setAttribute('data-cross-origin-isolated', isolated ? 'true' : 'false');
      if (res != null) root.setAttribute('data-timer-resolution', String(res));
    }
    showTimer(!!window.crossOriginIsolated, localResolution(), 'on this page');

    var rows = [];      // {bench, pub, unit, tr, cells, button, result}
    var results = [];   // result.Benchmark objects, in run order
    var worker = null, ready = null, pending = {}, nextID = 1, busy = false, cancelled = false;

    function setBusy(b) {
      busy = b;
      runAll.disabled = b;
      cancel.disabled = !b;
      rows.forEach(function (r) { r.button.disabled = b; });
      bar.hidden = !b;
      root.setAttribute('data-state', b ? 'running' : 'idle');
    }

    function failAll(msg) {
      Object.keys(pending).forEach(function (id) {
        var p = pending[id];
        delete pending[id];
        p.reject(new Error(msg));
      });
    }

    function startWorker() {
      if (ready) return ready;
      ready = new Promise(function (resolve, reject) {
        status.textContent = 'Loading the benchmarks (WebAssembly module)…';
        worker = new Worker(cfg.worker);
        worker.onmessage = function (ev) {
          var m = ev.data || {};
          var p = m.id != null ? pending[m.id] : null;
          switch (m.type) {
            case 'ready':
              if (m.timer) showTimer(m.timer.crossOriginIsolated, m.timer.resolution, 'in the benchmark worker');
              resolve();
              break;
            case 'progress':
              if (p && p.progress) p.progress(m.progress);
              break;
            case 'result':
              if (p) { delete pending[m.id]; p.resolve(m.result); }
              break;
            case 'file':
              if (p) { delete pending[m.id]; p.resolve(m.text); }
              break;
            case 'error':
              if (p) {
                delete pending[m.id];
                p.reject(new Error(m.error));
              } else {
                // Loading failed or the Go program exited: start afresh
                // on the next run.
                reject(new Error(m.error));
                failAll(m.error);
                stopWorker();
              }
              break;
          }
        };
        worker.onerror = function (ev) {
          var msg = 'the benchmark worker failed' + (ev && ev.message ? ': ' + ev.message : ' to load (' + cfg.worker + ')');
          if (ev && ev.preventDefault) ev.preventDefault();
          reject(new Error(msg));
          failAll(msg);
          stopWorker();
        };
        worker.postMessage({type: 'load', wasm: cfg.wasm, wasmExec: cfg.wasmExec});
      });
      return ready;
    }

    function stopWorker() {
      if (worker) worker.terminate();
      worker = null;
      ready = null;
    }

    function ask(msg, onProgress) {
      return startWorker().then(function () {
        return new Promise(function (resolve, reject) {
          var id = nextID++;
          pending[id] = {resolve: resolve, reject: reject, progress: onProgress};
          msg.id = id;
          worker.postMessage(msg);
        });
      });
    }

    function setRow(r, state, text) {
      r.tr.setAttribute('data-state', state);
      r.cells.state.textContent = text;
    }

    function runRow(r, index, count) {
      setRow(r, 'running', 'starting…');
      var opts = {rounds: cfg.rounds, fullname: r.bench.fullname || r.bench.name, group: r.bench.group || ''};
      return ask({type: 'run', name: r.bench.name, options: opts}, function (p) {
        var frac = 0;
        if (p.phase === 'calibrate') setRow(r, 'running', 'calibrating (' + p.iterations + ' iterations)…');
        else if (p.phase === 'warmup') setRow(r, 'running', 'warm-up round…');
        else { setRow(r, 'running', 'round ' + p.round + ' of ' + p.rounds); frac = p.round / p.rounds; }
        bar.value = (index + frac) / count;
        status.textContent = 'Running ' + r.bench.name + '…';
      }).then(function (res) {
        var b = res.benchmark, st = b.stats;
        r.result = b;
        results = results.filter(function (x) { return x.name !== b.name; });
        results.push(b);
        var u = r.unit || unitFor(st.median);
        r.cells.median.textContent = fmt(st.median, u);
        r.cells.min.textContent = fmt(st.min, u);
        r.cells.iqr.textContent = fmt(st.iqr, u);
        r.cells.median.title = st.rounds + ' rounds of ' + st.iterations + ' iterations, after ' + res.calibration +
          ' calibration rounds and a warm-up round';
        var ratio = r.pub ? st.median / r.pub.median : NaN;
        r.cells.ratio.textContent = isFinite(ratio) ? Number(ratio.toPrecision(3)) + '×' : '—';
        r.tr.setAttribute('data-median', String(st.median));
        if (isFinite(ratio)) r.tr.setAttribute('data-ratio', String(ratio));
        setRow(r, 'done', 'done in ' + res.elapsed.toFixed(1) + ' s');
        download.disabled = false;
        root.dispatchEvent(new CustomEvent('benchsite-run', {detail: {name: b.name, benchmark: b, ratio: ratio}}));
      }, function (err) {
        if (cancelled) { setRow(r, 'cancelled', 'cancelled'); throw err; }
        setRow(r, 'error', 'failed: ' + err.message);
        throw err;
      });
    }

    function runSeq(list) {
      if (busy || !list.length) return;
      wrap.hidden = false;
      cancelled = false;
      setBusy(true);
      bar.value = 0;
      var i = 0, failed = 0;
      list.forEach(function (r) { if (r.tr.getAttribute('data-state') !== 'done') setRow(r, 'queued', 'queued'); });
      function next() {
        if (cancelled) return Promise.resolve();
        if (i >= list.length) return Promise.resolve();
        var r = list[i];
        return runRow(r, i++, list.length).catch(function () { failed++; }).then(next);
      }
      next().then(function () {
        if (cancelled) return;
        setBusy(false);
        status.textContent = failed ? failed + ' of ' + list.length + ' runs failed.' : 'Done.';
      });
    }

    cancel.addEventListener('click', function () {
      if (!busy) return;
      cancelled = true;
      stopWorker();
      failAll('cancelled');
      rows.forEach(function (r) {
        var s = r.tr.getAttribute('data-state');
        if (s === 'queued' || s === 'running') setRow(r, 'cancelled', 'cancelled');
      });
      setBusy(false);
      status.textContent = 'Cancelled.';
    });
    runAll.addEventListener('click', function () { runSeq(rows); });

    download.addEventListener('click', function () {
      if (!results.length || busy) return;
      var nav = window.navigator || {};
      var req = {
        benchmarks: results,
        datetime: pytestDatetime(new Date()),
        version: 'benchsite (browser)',
        machine_info: {
          node: 'browser',
          system: 'Browser',
          user_agent: nav.userAgent || '',
          platform: (nav.userAgentData && nav.userAgentData.platform) || nav.platform || '',
          hardware_concurrency: nav.hardwareConcurrency || null,
          device_memory_gb: nav.deviceMemory || null,
          cross_origin_isolated: !!window.crossOriginIsolated,
          timer_resolution: parseFloat(root.getAttribute('data-timer-resolution')) || null,
          page: location.origin + location.pathname
        }
      };
      download.disabled = true;
      ask({type: 'file', request: req}).then(function (text) {
        var blob = new Blob([text], {type: 'application/json'});
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'browser-run-' + req.datetime.slice(0, 19).replace(/[:T]/g, '-') + '.json';
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      }, function (err) {
        status.textContent = 'Download failed: ' + err.message;
      }).then(function () { download.disabled = false; });
    });

    function build(list) {
      if (cfg.onlyFull) {
        list = list.filter(function (b) { return b && b.fullname === cfg.onlyFull; });
      } else if (cfg.only) {
        list = list.filter(function (b) { return b && b.name === cfg.only; });
      }
      list.forEach(function (b) {
        if (!b || typeof b.name !== 'string') return;
        var pub = newest(b.published);
        var tr = tbody.insertRow();
        tr.setAttribute('data-name', b.name);
        var nameCell = tr.insertCell();
        var href = single ? null : sameSite(b.url);
        var nameTo = nameCell;
        if (href) {
          nameTo = el('a', null);
          nameTo.href = href;
          nameCell.appendChild(nameTo);
        }
        breakable(nameTo, b.name);
        nameCell.className = 'name';
        var pubCell = tr.insertCell();
        pubCell.className = 'num wide';
        pubCell.setAttribute('data-label', labels[1]);
        pubCell.textContent = pub ? fmt(pub.median, unitFor(pub.median)) : 'none published';
        if (pub) {
          pubCell.appendChild(el('small', 'br-machine', String(pub.machine || '') + (pub.run ? ', run ' + pub.run : '')));
          pubCell.title = 'newest native run: ' + [pub.machine, pub.run, pub.date, pub.commit].filter(Boolean).join(', ');
          tr.setAttribute('data-published', String(pub.median));
        }
        var cells = {median: tr.insertCell(), min: tr.insertCell(), iqr: tr.insertCell(), ratio: tr.insertCell()};
        ['median', 'min', 'iqr', 'ratio'].forEach(function (k, i) {
          cells[k].className = k === 'median' || k === 'ratio' ? 'num key' : 'num';
          cells[k].setAttribute('data-label', labels[2 + i]);
        });
        var act = tr.insertCell();
        act.className = 'key wide br-act';
        var button = el('button', 'br-run', 'Run');
        button.type = 'button';
        cells.state = el('span', 'br-state', '');
        act.append(button, cells.state);
        var r = {bench: b, pub: pub, unit: pub ? unitFor(pub.median) : null, tr: tr, cells: cells, button: button};
        button.addEventListener('click', function () { runSeq([r]); });
        rows.push(r);
      });
      if (!rows.length) {
        runAll.disabled = true;
        status.textContent = single ? (cfg.only || cfg.onlyFull) + ' is not browser-runnable on this site.' : 'No browser-runnable benchmarks on this site.';
        return;
      }
      if (rows.length === 1) {
        runAll.textContent = 'Run in your browser';
        rows[0].button.hidden = true;
      }
      root.setAttribute('data-state', 'idle');
    }

    fetch(cfg.list).then(function (resp) {
      if (!resp.ok) throw new Error('HTTP ' + resp.status);
      return resp.json();
    }).then(function (data) {
      build(Array.isArray(data) ? data : (data && Array.isArray(data.benchmarks) ? data.benchmarks : []));
    }).catch(function (err) {
      runAll.disabled = true;
      status.textContent = 'Cannot load the list of browser benchmarks (' + cfg.list + '): ' + err.message;
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-benchsite-run]'), mount);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
