// μNet web interface: progressive enhancement only. Every page works
// without this file.
"use strict";

// Copy buttons: <button type="button" data-copy="ID"> copies the text of
// the element with that id. Without JavaScript the button stays hidden
// (class "js-only"). The listener is on the document, so that buttons in
// content replaced by a live update work too.
document.addEventListener("DOMContentLoaded", function () {
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-copy]");
    if (!b) { return; }
    var src = document.getElementById(b.getAttribute("data-copy"));
    if (!src || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(src.textContent).then(function () {
      var old = b.textContent;
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = old; }, 1500);
    });
  });
  live();
});

// Live updates: a page whose <main> has data-live="TYPES" (comma-separated
// event type patterns) listens to /ui/events for those types and, when one
// arrives, fetches the page again and replaces the content of <main>,
// keeping the focus where it was and announcing the update to screen
// readers. Bursts of events cause one refresh.
function live() {
  var main = document.getElementById("main");
  var types = main && main.getAttribute("data-live");
  if (!types || !window.EventSource || !window.fetch || !window.DOMParser) { return; }
  var status = document.createElement("div");
  status.className = "live-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);
  var timer = null, busy = false, again = false;

  function focusables(root) {
    return Array.prototype.slice.call(root.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]"));
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        if (!fresh) { return; }
        var active = document.activeElement;
        var id = null, index = -1;
        if (active && active !== main && main.contains(active)) {
          id = active.id || null;
          index = focusables(main).indexOf(active);
        }
        var open = Array.prototype.map.call(main.querySelectorAll("details[open]"), function (d) {
          return focusables(main).indexOf(d.querySelector("summary"));
        });
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes).map(function (n) {
          return document.importNode(n, true);
        }));
        var now = focusables(main);
        open.forEach(function (i) {
          var s = now[i];
          if (s && s.parentNode.tagName === "DETAILS") { s.parentNode.open = true; }
        });
        var target = (id && document.getElementById(id)) || (index >= 0 ? now[index] : null);
        if (target) { target.focus({ preventScroll: true }); }
        status.textContent = "";
        setTimeout(function () { status.textContent = "Updated"; }, 100);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  var es = new EventSource("/ui/events?type=" + encodeURIComponent(types));
  es.onmessage = schedule;
}
