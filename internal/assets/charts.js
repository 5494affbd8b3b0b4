// benchsite: draws the charts of the report site with ECharts.
//
// Chart options come from the site builder as JSON (data/<slug>.json for a
// benchmark page, <script type="application/json"> blocks on the compare
// page); this script adds only what JSON cannot carry: the tooltip
// formatters below. They are fixed code. Every string from the data that
// goes into tooltip HTML passes through esc(); everything else ECharts draws
// on a canvas, where text is only text.
(function () {
  'use strict';
  if (!window.echarts) return;

  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var mounted = [];

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // num writes a figure with four significant digits.
  function num(v) {
    if (v == null || !isFinite(v)) return '—';
    var a = Math.abs(v);
    if (a >= 1000 || a === 0) return String(Math.round(v));
    return Number(v.toPrecision(4)).toString();
  }

  function pct(v) {
    if (v == null || !isFinite(v)) return '—';
    return (v > 0 ? '+' : v < 0 ? '−' : '±') + Math.abs(v).toFixed(1) + '%';
  }

  function clip(s, n) {
    s = String(s || '');
    return s.length > n ? s.slice(0, n - 1) + '…' : s;
  }

  function showError(el, err) {
    el.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : err);
    el.className += ' chart-error';
  }

  // mount draws option into el now and again when the colour scheme changes.
  function mount(el, option, onInit) {
    var entry = { el: el, option: option, onInit: onInit, chart: null };
    draw(entry);
    mounted.push(entry);
    return entry;
  }

  // On touch screens the "inside" zoom would take over the page's
  // scrolling; the slider stays.
  var coarse = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
  function adapt(option, el) {
    option.backgroundColor = 'transparent';
    var narrow = el && el.clientWidth > 0 && el.clientWidth < 520;
    (option.xAxis || []).forEach(function (a) {
      if (a.type === 'time') {
        if (narrow) a.splitNumber = 3;
        a.axisLabel = a.axisLabel || {};
        a.axisLabel.formatter = { year: '{yyyy}', month: '{MMM} {yyyy}', day: '{MMM} {d}',
          hour: '{MMM} {d} {HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}', millisecond: '{HH}:{mm}:{ss}' };
        // Only the round ticks are labelled: the exact first and last run
        // times would crowd their neighbours (the tooltip has them).
        a.axisLabel.showMinLabel = false;
        a.axisLabel.showMaxLabel = false;
      }
    });
    if (option.tooltip) {
      option.tooltip.confine = true;
      // A long commit message wraps inside the chart instead of widening
      // the page on a phone.
      option.tooltip.extraCssText = 'max-width: min(28rem, 85vw); white-space: normal; overflow-wrap: anywhere;';
    }
    if (coarse && option.dataZoom) {
      option.dataZoom = option.dataZoom.filter(function (z) { return z.type !== 'inside'; });
    }
  }

  function draw(entry) {
    if (entry.chart) entry.chart.dispose();
    entry.chart = echarts.init(entry.el, darkQuery && darkQuery.matches ? 'dark' : null);
    adapt(entry.option, entry.el);
    entry.chart.setOption(entry.option, true);
    if (entry.onInit) entry.onInit(entry.chart);
  }

  function update(entry, option) {
    entry.option = option;
    adapt(option, entry.el);
    entry.chart.setOption(option, true);
  }

  window.addEventListener('resize', function () {
    mounted.forEach(function (e) { e.chart.resize(); });
  });
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener('change', function () { mounted.forEach(draw); });
  }

  // ---- benchmark pages ----

  var cache = {};
  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
        return r.json();
      });
    }
    return cache[url];
  }

  function runTip(r, unit) {
    var h = '<b>' + esc(r.label) + '</b>';
    if (r.baseline) h += ' <i>baseline</i>';
    if (r.gcOff) h += '<br><b>GC off</b> (--disable-gc): not comparable with runs with the collector on';
    if (r.date) h += '<br>' + esc(String(r.date).replace('T', ' ').slice(0, 19));
    if (r.commit) {
      h += '<br>commit ' + esc(clip(r.commit, 12)) + (r.dirty ? '*' : '');
      if (r.message) h += ' ' + esc(clip(r.message, 60));
    }
    var u = ' ' + esc(unit);
    h += '<br>median <b>' + num(r.median) + u + '</b>';
    if (r.q1 != null && r.iqr != null) h += '<br>q1–q3 ' + num(r.q1) + ' – ' + num(r.q1 + r.iqr) + u;
    h += '<br>min–max ' + num(r.min) + ' – ' + num(r.max) + u;
    h += '<br>' + esc(r.rounds) + ' rounds × ' + esc(r.iterations) + ' iterations';
    if (r.verdict) {
      h += '<br>' + esc(r.verdict) + ' vs ' + esc(r.against);
      if (r.change != null) h += ' (' + esc(r.field) + ' ' + pct(r.change) + ')';
      if (r.ciLow != null && r.ciHigh != null) h += '<br>paired (' + esc(r.pairs) + ' pairs): interval ' + pct(r.ciLow) + ' to ' + pct(r.ciHigh);
    }
    var c = r.changePoint;
    if (c) {
      // A step from a median of 0 has no finite percent (null): ±∞.
      var step = c.percent == null && c.before === 0 && c.after ? (c.after > 0 ? '+∞' : '−∞') : pct(c.percent);
      h += '<br><b class="tip-change">change point: ' + esc(c.direction) + ' ' + step + '</b>' +
        '<br>median ' + num(c.before) + ' → ' + num(c.after) + u + ', p = ' + esc(num(c.p)) +
        (c.evidence ? '<br>' + esc(c.evidence) : '') +
        (c.url ? '<br><i>click the line to open the commit</i>' : '');
    }
    return h;
  }

  function memTip(r) {
    var h = '<b>' + esc(r.label) + '</b>';
    if (r.date) h += '<br>' + esc(String(r.date).replace('T', ' ').slice(0, 19));
    if (r.commit) h += '<br>commit ' + esc(clip(r.commit, 12));
    h += '<br>' + num(r.bytes) + ' B/op<br>' + num(r.allocs) + ' allocs/op';
    return h;
  }

  // bins shares one set of equal-width bins among the samples of both runs:
  // the Freedman–Diaconis rule (Freedman & Diaconis 1981, "On the
  // histogram as a density estimator"), width 2·IQR·n^(−1/3), which adapts to the spread and, unlike Rice's or Sturges'
  // rule, is not thrown by a few far outliers; Rice's 2·n^⅓ bins when the
  // IQR is 0. Between 1 and 60 bins.
  function fdWidth(data) {
    var d = data.slice().sort(function (a, b) { return a - b; }), n = d.length;
    function q(p) { var i = p * (n - 1), f = Math.floor(i); return d[f] + (d[Math.min(n - 1, f + 1)] - d[f]) * (i - f); }
    return n > 1 ? 2 * (q(0.75) - q(0.25)) / Math.cbrt(n) : 0;
  }
  function bins(a, b) {
    var all = a.concat(b);
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all), n = all.length;
    if (!(hi > lo)) return { lo: lo, w: 1, k: 1 };
    // Each run's own width, the finer of the two: pooling two runs that
    // differ would widen the IQR and blur both.
    var h = [fdWidth(a), b.length ? fdWidth(b) : 0].filter(function (x) { return x > 0; });
    h = h.length ? Math.min.apply(null, h) : 0;
    var k = h > 0 ? Math.ceil((hi - lo) / h) : Math.ceil(2 * Math.cbrt(n));
    k = Math.max(1, Math.min(60, k));
    return { lo: lo, w: (hi - lo) / k, k: k };
  }

  function shares(data, b) {
    var c = [];
    for (var i = 0; i < b.k; i++) c.push(0);
    data.forEach(function (v) { c[Math.max(0, Math.min(b.k - 1, Math.floor((v - b.lo) / b.w)))]++; });
    return c.map(function (x) { return Math.round(1000 * x / data.length) / 10; });
  }

  // medianLine marks a run's median on its histogram: a dashed line at
  // the median's bin, in the series' colour.
  function medianLine(series, median, b) {
    if (median == null || !isFinite(median)) return;
    var i = Math.max(0, Math.min(b.k - 1, Math.floor((median - b.lo) / b.w)));
    series.markLine = { symbol: ['none', 'none'], silent: true, animation: false,
      lineStyle: { type: 'dashed', width: 1.5, color: series.color },
      label: { formatter: 'median', position: 'end' }, data: [{ xAxis: i }] };
  }

  // distribution draws run r's samples d over its baseline b's samples bd,
  // on shared bins, as shares of each run's rounds.
  function distribution(base, r, d, b, bd, unit, narrow) {
    var o = JSON.parse(JSON.stringify(base));
    if (!d.length) {
      o.title = { text: 'This run has no per-round data.', left: 'center', top: 'middle',
        textStyle: { fontSize: 13, fontWeight: 'normal' } };
      o.series.forEach(function (s) { s.data = []; });
      return o;
    }
    var bn = bins(d, bd);
    o.xAxis[0].data = [];
    for (var j = 0; j < bn.k; j++) o.xAxis[0].data.push(num(bn.lo + (j + 0.5) * bn.w));
    // On a narrow screen the legend stays one line: the labels are in the
    // run picker above.
    o.series[1].name = narrow ? 'this run' : 'this run (' + clip(r.label, 24) + ')';
    o.series[1].data = shares(d, bn);
    medianLine(o.series[1], r.median, bn);
    if (bd.length) {
      o.series[0].name = narrow ? 'baseline ' + clip(b.label, 16) : 'baseline (' + clip(b.label, 24) + ')';
      o.series[0].data = shares(bd, bn);
      medianLine(o.series[0], b.median, bn);
    } else {
      o.series.shift();
    }
    o.legend.data = o.series.map(function (s) { return s.name; });
    // A paired verdict's change and its confidence interval, under the legend.
    if (r.ciLow != null && r.ciHigh != null && r.change != null) {
      var text = narrow ?
        String(r.field) + ' ' + pct(r.change) + ' [' + pct(r.ciLow) + ', ' + pct(r.ciHigh) + '], ' + r.pairs + ' pairs' :
        String(r.field) + ' change ' + pct(r.change) + ', interval ' + pct(r.ciLow) + ' to ' + pct(r.ciHigh) + ' (' + r.pairs + ' pairs)';
      o.title = { text: text, left: 'center', top: 26, textStyle: { fontSize: 12, fontWeight: 'normal' } };
      o.grid[0].top = 76;
    }
    o.tooltip.formatter = function (ps) {
      var p = Array.isArray(ps) ? ps[0] : ps;
      var a = bn.lo + p.dataIndex * bn.w;
      var h = esc(num(a)) + ' – ' + esc(num(a + bn.w)) + ' ' + esc(unit);
      (Array.isArray(ps) ? ps : [ps]).forEach(function (q) {
        h += '<br>' + esc(q.seriesName) + ': ' + esc(q.value) + '% of rounds';
      });
      h += '<br><small>' + d.length + ' rounds' + (bd.length ? ' vs ' + bd.length : '') + ', ' + bn.k + ' bins (Freedman–Diaconis)</small>';
      if (r.truncated) h += '<br><i>the file\'s data were cut short</i>';
      return h;
    };
    return o;
  }

  // A run's samples are in its row for the newest run and its baseline;
  // any other run's come from its result file, the site's byte-for-byte
  // copy (row.raw), fetched when the reader picks the run. Python's json
  // may have written NaN or Infinity there (in extra_info), which
  // JSON.parse refuses: those bare words become null first (only
  // stats.data is read).
  function rawFile(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
        return r.text();
      }).then(function (t) {
        return JSON.parse(t.replace(/([:,\[]\s*)-?(?:NaN|Infinity)\b/g, '$1null'));
      });
    }
    return cache[url];
  }

  function round6(x) {
    if (!x || !isFinite(x)) return x;
    var p = Math.pow(10, 6 - Math.ceil(Math.log10(Math.abs(x))));
    return Math.round(x * p) / p;
  }

  function narrowEl(el) { return (el.clientWidth || 600) < 520; }

  // narrowLegend gives a wrapped legend room above the plot on a narrow
  // screen.
  function narrowLegend(el, o) {
    if (narrowEl(el) && o.grid && o.grid[0]) o.grid[0].top = 84;
  }

  // benchMachine draws one machine's charts. A long series' data file
  // holds a downsampled series (each row's i is its position among
  // m.total runs) and names the period files that hold every run: the
  // history and memory charts fetch those of the range the reader zooms
  // into, and a run picked outside the rows loaded is fetched with its
  // period.
  function benchMachine(sec, m, dataURL, fullname) {
    var unit = m.unit.name, periods = m.periods || [];
    var known = {}, cur = m.runs;
    function learn(rows) { rows.forEach(function (r) { known[r.i] = r; }); }
    learn(m.runs);
    function period(k) {
      return load(new URL(periods[k].url, dataURL).href).then(function (d) { learn(d.runs); return d.runs; });
    }
    function runAt(i) {
      if (known[i]) return Promise.resolve(known[i]);
      for (var k = 0; k < periods.length; k++) {
        if (i >= periods[k].from && i < periods[k].to) return period(k).then(function () { return known[i] || null; });
      }
      return Promise.resolve(null);
    }
    // baselineOf is (a promise of) the run r was compared with, the
    // newest baseline before it: the baseline marks of the history chart
    // give every baseline's position, and runAt fetches its row when the
    // data file lacks it. null when there is none.
    var baseAt = ((m.history.series || []).filter(function (s) { return s.id === 'baseline'; })[0] || {}).data || [];
    function baselineOf(r) {
      // A run compared with a named run (a paired verdict's baseline)
      // uses that run when its row is loaded.
      if (r.against) {
        for (var k in known) if (known[k].label === r.against && known[k].i !== r.i) return Promise.resolve(known[k]);
      }
      var best = -1;
      baseAt.forEach(function (d) { if (d[2] < r.i && d[2] > best) best = d[2]; });
      return best < 0 ? Promise.resolve(null) : runAt(best);
    }
    function samples(r) {
      if (!r) return Promise.resolve([]);
      if (r.data && r.data.length) return Promise.resolve(r.data);
      if (!r.raw) return Promise.resolve([]);
      return rawFile(new URL('../' + r.raw, dataURL).href).then(function (f) {
        var b = (f.benchmarks || []).filter(function (x) { return x && x.fullname === fullname; })[0];
        var d = b && b.stats && Array.isArray(b.stats.data) ? b.stats.data : [];
        return d.filter(function (v) { return typeof v === 'number'; }).map(function (v) { return round6(v * m.unit.scale); });
      });
    }

    var sel = sec.querySelector('select[data-run-select]');
    var distEl = sec.querySelector('[data-chart="distribution"]');
    var dist = null;
    function showRun(i) {
      if (!distEl) return;
      runAt(i).then(function (r) {
        if (!r) return;
        return baselineOf(r).then(function (b) {
          return Promise.all([samples(r), samples(b), b]);
        }).then(function (s) {
          var b = s[2];
          var o = distribution(m.distribution, r, s[0], b, s[1], unit, narrowEl(distEl));
          if (dist) update(dist, o); else dist = mount(distEl, o);
        });
      }).catch(function (err) { showError(distEl, err); });
    }
    showRun(sel ? +sel.value : m.total - 1);
    if (sel) sel.addEventListener('change', function () { showRun(+sel.value); });

    // rowOf finds the run a tooltip or click is about: the row of the
    // dataset series, or the run whose position the mark series carry
    // third.
    function rowOf(p) {
      if (markOf(p) != null) return known[markOf(p)];
      return cur[p.dataIndex];
    }
    function markOf(p) {
      return Array.isArray(p.value) && p.value.length > 2 && (p.seriesId === 'baseline' || p.seriesId === 'regression' || p.seriesId === 'gcoff') ? p.value[2] : null;
    }
    function pick(r) {
      if (!sel || !r) return;
      if (!sel.querySelector('option[value="' + r.i + '"]')) {
        var o = document.createElement('option');
        o.value = String(r.i);
        o.textContent = r.label;
        sel.appendChild(o);
      }
      sel.value = String(r.i);
      showRun(r.i);
    }

    var charts = [];
    // refine draws every run of the zoomed range once it spans at most four
    // periods (time axes only: on a category axis new rows would move the
    // window).
    function refine(chart) {
      if (!periods.length) return;
      var ax = (chart.getOption().xAxis || [])[0], ext = null;
      if (!ax || ax.type !== 'time') return;
      try {
        ext = chart.getModel().getComponent('xAxis', 0).axis.scale.getExtent();
      } catch (err) {
        return;
      }
      var want = [];
      periods.forEach(function (p, k) {
        if (p.t0 != null && p.t1 != null && p.t1 >= ext[0] && p.t0 <= ext[1]) want.push(k);
      });
      if (!want.length || want.length > 4) return;
      Promise.all(want.map(period)).then(function () {
        var rows = Object.keys(known).map(function (k) { return known[k]; });
        rows.sort(function (a, b) { return a.i - b.i; });
        if (rows.length === cur.length) return;
        cur = rows;
        charts.forEach(function (e) {
          e.option.dataset.source = rows;
          e.chart.setOption({ dataset: { source: rows } });
        });
      }).catch(function (err) { if (window.console) console.warn(err); });
    }
    function zoomable(chart) {
      var t = null;
      chart.on('datazoom', function () {
        clearTimeout(t);
        t = setTimeout(function () { refine(chart); }, 150);
      });
    }

    var histEl = sec.querySelector('[data-chart="history"]');
    if (histEl) {
      var h = m.history;
      h.dataset.source = cur;
      h.tooltip.formatter = function (ps) {
        var p = Array.isArray(ps) ? ps[0] : ps, r = rowOf(p);
        if (!r && markOf(p) != null) {
          runAt(markOf(p)); // ready for the next look
          return '<i>' + esc(p.seriesName) + ': loading the run…</i>';
        }
        return r ? runTip(r, unit) : '';
      };
      narrowLegend(histEl, h);
      charts.push(mount(histEl, h, function (chart) {
        // A change point's line opens its commit (the builder sets url only
        // to <repo-url>/commit/<hex id>).
        chart.on('click', 'series.line', function (p) {
          if (p.componentType === 'markLine' && p.data && p.data.url && /^https?:\/\//.test(p.data.url)) {
            window.open(p.data.url, '_blank', 'noopener');
          }
        });
        chart.on('click', function (p) {
          if (markOf(p) != null) runAt(markOf(p)).then(pick); else pick(rowOf(p));
        });
        zoomable(chart);
      }));
    }

    var memEl = sec.querySelector('[data-chart="memory"]');
    if (memEl && m.memory) {
      var mo = m.memory;
      mo.dataset.source = cur;
      mo.tooltip.formatter = function (ps) {
        var p = Array.isArray(ps) ? ps[0] : ps;
        return cur[p.dataIndex] ? memTip(cur[p.dataIndex]) : '';
      };
      charts.push(mount(memEl, mo, zoomable));
    }
  }

  document.querySelectorAll('section.machine[data-src]').forEach(function (sec) {
    var url = new URL(sec.getAttribute('data-src'), document.baseURI).href;
    load(url).then(function (data) {
      var m = data.machines[+sec.getAttribute('data-machine')];
      if (!m) throw new Error('no data for this machine');
      benchMachine(sec, m, url, data.fullname);
    }).catch(function (err) {
      sec.querySelectorAll('[data-chart]').forEach(function (el) { showError(el, err); });
    });
  });

  // ---- compare page ----

  document.querySelectorAll('[data-chart="compare"]').forEach(function (el) {
    try {
      var src = document.getElementById(el.getAttribute('data-json'));
      var payload = JSON.parse(src.textContent);
      var rows = payload.rows;
      el.style.height = Math.max(160, 26 * rows.length + 80) + 'px';
      var o = payload.option;
      // On a narrow screen the names get at most 45 % of the width, lose
      // their "Benchmark" prefix, and the axis fewer ticks.
      var w = el.clientWidth || 600;
      if (w < 640) {
        var yl = o.yAxis[0].axisLabel;
        yl.width = Math.round(0.45 * w);
        yl.formatter = function (s) { return String(s).replace(/^Benchmark/, ''); };
        o.xAxis[0].splitNumber = 3;
      }
      o.tooltip.formatter = function (p) {
        var r = rows[p.dataIndex];
        if (!r) return '';
        var h = '<b>' + esc(r.name) + '</b><br>' + esc(r.field) + ': ' + esc(r.base) + ' → ' + esc(r.cur) +
          '<br>change ' + pct(r.change);
        if (r.p != null) h += ', p = ' + esc(num(r.p));
        h += '<br>' + esc(r.status);
        (r.failures || []).forEach(function (f) { h += '<br><small>' + esc(clip(f, 120)) + '</small>'; });
        return h;
      };
      mount(el, o);
    } catch (err) {
      showError(el, err);
    }
  });
})();
