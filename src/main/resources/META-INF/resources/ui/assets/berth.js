// Berth's web UI: copy buttons and filter-as-you-type. Pages work without it.
"use strict";
document.addEventListener("click", function (e) {
  var b = e.target.closest("button[data-copy]");
  if (!b) return;
  var text = b.getAttribute("data-copy");
  var done = function () {
    b.classList.add("copied");
    b.textContent = "Copied";
    setTimeout(function () { b.classList.remove("copied"); b.textContent = "Copy"; }, 2000);
  };
  var fallback = function () {
    // No Clipboard API (plain http on another host) or no permission: select-and-copy instead.
    var t = document.createElement("textarea");
    t.value = text;
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (ignored) { /* the text stays visible to copy by hand */ }
    t.remove();
    if (ok) done();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else {
    fallback();
  }
});
document.addEventListener("input", function (e) {
  var input = e.target;
  var list = input.matches("input[data-filter]") && document.querySelector(input.getAttribute("data-filter"));
  if (!list) return;
  var q = input.value.trim().toLowerCase();
  var shown = 0;
  list.querySelectorAll("li[data-name]").forEach(function (li) {
    var match = li.getAttribute("data-name").indexOf(q) >= 0;
    li.hidden = !match;
    if (match) shown++;
  });
  var none = document.querySelector(".filter-none");
  if (none) none.hidden = shown > 0;
});
