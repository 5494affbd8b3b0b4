// benchsite: the Changes page's filter (by benchmark name and machine).
// Rows carry data-name (lower-case name and fullname) and data-machine;
// this script only shows or hides them, it never writes page data into
// HTML.
(function () {
  'use strict';

  function init() {
    var name = document.getElementById('changes-filter');
    if (!name) return;
    var machine = document.getElementById('changes-machine');
    var count = document.getElementById('changes-count');
    var rows = [];
    document.querySelectorAll('table[data-changes] tbody tr').forEach(function (tr) { rows.push(tr); });

    var params = new URLSearchParams(location.hash.slice(1));
    name.value = params.get('q') || '';
    if (machine) machine.value = params.get('machine') || '';

    function apply() {
      var words = name.value.toLowerCase().split(/\s+/).filter(Boolean);
      var m = machine ? machine.value : '';
      var shown = 0;
      rows.forEach(function (tr) {
        var hay = tr.getAttribute('data-name') || '';
        var ok = (!m || tr.getAttribute('data-machine') === m) &&
          words.every(function (w) { return hay.indexOf(w) >= 0; });
        tr.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = shown === rows.length ? rows.length + ' change points' : shown + ' of ' + rows.length + ' shown';
      if (!words.length && !m && /^#change-/.test(location.hash)) return; // keep a link to one row
      var p = new URLSearchParams();
      if (name.value) p.set('q', name.value);
      if (m) p.set('machine', m);
      var h = p.toString();
      history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
    }
    name.addEventListener('input', apply);
    if (machine) machine.addEventListener('change', apply);
    apply();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
