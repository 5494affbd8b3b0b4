// benchsite: the home page's filter of the summary grid (by name and group).
// Rows carry data-name (lower-case name and fullname) and data-group; this
// script only shows or hides them, it never writes page data into HTML.
(function () {
  'use strict';

  function init() {
    var table = document.getElementById('summary');
    var name = document.getElementById('filter-name');
    if (!table || !name) return;
    var group = document.getElementById('filter-group');
    var count = document.getElementById('filter-count');
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);

    // Keep the filter in the URL's fragment, so a filtered view can be shared.
    var params = new URLSearchParams(location.hash.slice(1));
    name.value = params.get('q') || '';
    if (group) group.value = params.get('group') || '';

    function apply() {
      var words = name.value.toLowerCase().split(/\s+/).filter(Boolean);
      var g = group ? group.value : '';
      var shown = 0;
      rows.forEach(function (tr) {
        var hay = tr.getAttribute('data-name') || '';
        var ok = (!g || tr.getAttribute('data-group') === g) &&
          words.every(function (w) { return hay.indexOf(w) >= 0; });
        tr.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = shown === rows.length ? rows.length + ' benchmarks' : shown + ' of ' + rows.length + ' shown';
      var p = new URLSearchParams();
      if (name.value) p.set('q', name.value);
      if (g) p.set('group', g);
      var h = p.toString();
      history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
    }
    name.addEventListener('input', apply);
    if (group) group.addEventListener('change', apply);
    apply();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
