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
  function adapt(option) {
    option.backgroundColor = 'transparent';
    if (option.tooltip) option.tooltip.confine = true;
    if (coarse && option.dataZoom) {
      option.dataZoom = option.dataZoom.filter(function (z) { return z.type !== 'inside'; });
    }
  }

  function draw(entry) {
    if (entry.chart) entry.chart.dispose();
    entry.chart = echarts.init(entry.el, darkQuery && darkQuery.matches ? 'dark' : null);
    adapt(entry.option);
    entry.chart.setOption(entry.option, true);
    if (entry.onInit) entry.onInit(entry.chart);
  }

  function update(entry, option) {
    entry.option = option;
    adapt(option);
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
    }
    var c = r.changePoint;
    if (c) {
      h += '<br><b class="tip-change">change point: ' + esc(c.direction) + ' ' + pct(c.percent) + '</b>' +
        '<br>median ' + num(c.before) + ' → ' + num(c.after) + u + ', p = ' + esc(num(c.p)) +
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

  // distribution bins the run's samples; the number of bins follows Rice's
  // rule (2·n^⅓), which stays readable for the usual 10–100 rounds.
  function distribution(base, r, unit) {
    var o = JSON.parse(JSON.stringify(base));
    var d = (r.data || []).slice().sort(function (a, b) { return a - b; });
    if (!d.length) {
      o.title = { text: 'This run has no per-round data.', left: 'center', top: 'middle',
        textStyle: { fontSize: 13, fontWeight: 'normal' } };
      return o;
    }
    var n = d.length, lo = d[0], hi = d[n - 1];
    var k = hi > lo ? Math.max(1, Math.min(40, Math.ceil(2 * Math.cbrt(n)))) : 1;
    var w = hi > lo ? (hi - lo) / k : 1;
    var counts = [];
    for (var i = 0; i < k; i++) counts.push(0);
    d.forEach(function (v) { counts[Math.min(k - 1, Math.floor((v - lo) / w))]++; });
    var labels = counts.map(function (_, i) { return num(lo + (i + 0.5) * w); });
    o.xAxis[0].data = labels;
    o.series[0].data = counts;
    o.tooltip.formatter = function (p) {
      var a = lo + p.dataIndex * w;
      return esc(num(a)) + ' – ' + esc(num(a + w)) + ' ' + esc(unit) + '<br>' + esc(p.value) + ' of ' + n + ' rounds' +
        (r.truncated ? '<br><i>the file\'s data were cut short</i>' : '');
    };
    return o;
  }

  function benchMachine(sec, m) {
    var runs = m.runs, unit = m.unit.name;
    var byN = {};
    runs.forEach(function (r, i) { byN[r.n] = i; });
    var sel = sec.querySelector('select[data-run-select]');
    var distEl = sec.querySelector('[data-chart="distribution"]');
    var dist = null;

    function showRun(i) {
      if (!dist || !runs[i]) return;
      update(dist, distribution(m.distribution, runs[i], unit));
    }
    if (distEl) {
      var first = sel ? +sel.value : runs.length - 1;
      dist = mount(distEl, distribution(m.distribution, runs[first], unit));
      if (sel) sel.addEventListener('change', function () { showRun(+sel.value); });
    }

    var histEl = sec.querySelector('[data-chart="history"]');
    if (histEl) {
      var h = m.history;
      h.dataset.source = runs;
      h.tooltip.formatter = function (ps) {
        var p = Array.isArray(ps) ? ps[0] : ps;
        var i = byN[p.axisValue != null ? p.axisValue : p.name];
        if (i == null && Array.isArray(p.value)) i = p.value[0];
        return runs[i] ? runTip(runs[i], unit) : '';
      };
      mount(histEl, h, function (chart) {
        // A change point's line opens its commit (the builder sets url only
        // to <repo-url>/commit/<hex id>).
        chart.on('click', 'series.line', function (p) {
          if (p.componentType === 'markLine' && p.data && p.data.url && /^https?:\/\//.test(p.data.url)) {
            window.open(p.data.url, '_blank', 'noopener');
          }
        });
        chart.on('click', function (p) {
          var i = p.seriesType === 'scatter' && Array.isArray(p.value) ? p.value[0] : p.dataIndex;
          if (sel && runs[i]) { sel.value = String(i); showRun(i); }
        });
      });
    }

    var memEl = sec.querySelector('[data-chart="memory"]');
    if (memEl && m.memory) {
      var mo = m.memory;
      mo.dataset.source = runs;
      mo.tooltip.formatter = function (ps) {
        var p = Array.isArray(ps) ? ps[0] : ps;
        var i = byN[p.axisValue];
        return runs[i] ? memTip(runs[i]) : '';
      };
      mount(memEl, mo);
    }
  }

  document.querySelectorAll('section.machine[data-src]').forEach(function (sec) {
    load(sec.getAttribute('data-src')).then(function (data) {
      var m = data.machines[+sec.getAttribute('data-machine')];
      if (!m) throw new Error('no data for this machine');
      benchMachine(sec, m);
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
      el.style.height = Math.max(140, 26 * rows.length + 60) + 'px';
      var o = payload.option;
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
