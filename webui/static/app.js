// μNet web interface: progressive enhancement only. Every page works
// without this file.
"use strict";

// Copy buttons: <button type="button" data-copy="ID"> copies the text of
// the element with that id. Without JavaScript the button stays hidden
// (class "js-only").
document.addEventListener("DOMContentLoaded", function () {
  document.documentElement.classList.add("js");
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var src = document.getElementById(b.getAttribute("data-copy"));
      if (!src || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(src.textContent).then(function () {
        var old = b.textContent;
        b.textContent = "Copied";
        setTimeout(function () { b.textContent = old; }, 1500);
      });
    });
  });
});
