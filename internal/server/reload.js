// benchsite preview: live reload and build-error overlay.
// Served only by `benchsite serve` (/__benchsite/reload.js) and injected into
// HTML responses; it is never written into the built site. It is a same-origin
// file, not an inline script, so a page's strict Content-Security-Policy
// (script-src 'self') still allows it. Error text is shown with textContent
// only: build errors can quote untrusted result files.
(() => {
  "use strict";
  const EVENTS = "/__benchsite/events";
  // Build id of the site this page came from, set by the server on the tag.
  let seen = (document.currentScript && document.currentScript.dataset.build) || null;
  let overlay = null;
  let delay = 500; // manual reconnect back-off, see onerror

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(message) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "benchsite-build-error";
    overlay.setAttribute("role", "alert");
    // CSSOM assignments, not a style attribute: allowed under a strict style-src.
    Object.assign(overlay.style, {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20, 20, 20, 0.92)", color: "#f3f3f3",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      padding: "2em", boxSizing: "border-box",
    });
    const title = document.createElement("div");
    title.textContent = "benchsite: build failed (the last good site is shown underneath; click to hide)";
    Object.assign(title.style, { color: "#ff8080", fontWeight: "bold", marginBottom: "1em" });
    const pre = document.createElement("pre");
    pre.textContent = message;
    Object.assign(pre.style, { whiteSpace: "pre-wrap", margin: "0" });
    overlay.append(title, pre);
    overlay.addEventListener("click", hide);
    (document.body || document.documentElement).append(overlay);
  }

  let es = null;

  function connect() {
    const src = new EventSource(EVENTS);
    es = src;
    src.addEventListener("hello", (e) => {
      const d = JSON.parse(e.data);
      delay = 500;
      // A different build id after a reconnect means the site was rebuilt
      // (or the server restarted) while we were away.
      if (seen !== null && d.build !== seen) {
        location.reload();
        return;
      }
      seen = d.build;
      // Lets tests (and the curious) see that the page is connected, and to which build.
      document.documentElement.dataset.benchsiteBuild = d.build;
      if (d.error) show(d.error); else hide();
    });
    src.addEventListener("reload", () => location.reload());
    src.addEventListener("builderror", (e) => {
      const d = JSON.parse(e.data);
      if (d.error) show(d.error); else hide();
    });
    src.onerror = () => {
      // EventSource retries by itself while CONNECTING; once CLOSED (e.g. the
      // server answered with an error status while restarting) it gives up,
      // so retry by hand.
      if (src.readyState === EventSource.CLOSED) {
        src.close();
        if (es === src) es = null;
        setTimeout(() => { if (!es) connect(); }, delay);
        delay = Math.min(delay * 2, 5000);
      }
    };
  }

  // A page kept in the back/forward cache would keep its stream open, and
  // browsers allow only six connections per host over HTTP/1.1: after a few
  // pages every further request would wait. Close it when the page is
  // hidden and reconnect when it is shown again ("hello" then tells whether
  // the site changed meanwhile).
  addEventListener("pagehide", () => {
    if (es) {
      es.close();
      es = null;
    }
  });
  addEventListener("pageshow", (e) => {
    if (e.persisted && !es) connect();
  });

  connect();
})();
