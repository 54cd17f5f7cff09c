// Keyboard shortcuts of the review page (no library, no inline script: the CSP forbids it).
//   feed:    j / k next / previous row, Enter open, a approve, r reject, s star, o original, / search
//   article: j / k next / previous article of the last feed page, a approve, r reject,
//            s star, o original, u back to the feed
(function () {
  "use strict";

  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("article.item"));
  }

  function current() {
    return document.querySelector("article.item.current");
  }

  function select(row) {
    var old = current();
    if (old) { old.classList.remove("current"); }
    if (!row) { return; }
    row.classList.add("current");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    try { sessionStorage.setItem("aggregator.current", row.dataset.id); } catch (e) { /* private mode */ }
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : index + step;
    if (next >= all.length) {
      var older = document.getElementById("older");
      if (older) { window.location.href = older.href; }
      return;
    }
    select(all[Math.max(0, next)]);
  }

  function scope() {
    return document.body.dataset.page === "article" ? document.getElementById("main") : current();
  }

  function act(name) {
    var where = scope();
    var form = where && where.querySelector('form[data-action="' + name + '"]');
    if (form) { form.submit(); }
  }

  function openOriginal() {
    var where = scope();
    var link = where && where.querySelector("a.original");
    if (link) { window.open(link.href, "_blank", "noopener,noreferrer"); }
  }

  function openRow() {
    var row = current();
    var link = row && row.querySelector("a.show");
    if (link) { window.location.href = link.href; }
  }

  function remember() {
    // The feed's order, so j / k on an article page can step to its neighbours.
    var list = rows().map(function (row) {
      var link = row.querySelector("a.show");
      return { id: row.dataset.id, href: link ? link.getAttribute("href") : "" };
    });
    try { sessionStorage.setItem("aggregator.rows", JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  function step(delta) {
    var article = document.getElementById("article");
    var list = [];
    try { list = JSON.parse(sessionStorage.getItem("aggregator.rows") || "[]"); } catch (e) { return; }
    var ids = list.map(function (item) { return item.id; });
    var index = article ? ids.indexOf(article.dataset.id) : -1;
    var next = list[index + delta];
    if (index >= 0 && next && next.href.charAt(0) === "/") {
      try { sessionStorage.setItem("aggregator.current", next.id); } catch (e) { /* private mode */ }
      window.location.href = next.href;
    }
  }

  function restore() {
    var id = null;
    try { id = sessionStorage.getItem("aggregator.current"); } catch (e) { /* private mode */ }
    if (!id) { return; }
    rows().forEach(function (row) { if (row.dataset.id === id) { select(row); } });
  }

  var keys = {
    "j": function () { if (document.body.dataset.page === "article") { step(1); } else { move(1); } },
    "k": function () { if (document.body.dataset.page === "article") { step(-1); } else { move(-1); } },
    "Enter": openRow,
    "a": function () { act("approve"); },
    "r": function () { act("reject"); },
    "s": function () { act(current() && current().classList.contains("starred") ? "unstar" : "star"); },
    "o": openOriginal,
    "u": function () { var back = document.getElementById("back"); if (back) { window.location.href = back.href; } },
    "/": function () { var q = document.getElementById("q"); if (q) { q.focus(); q.select(); } }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var handler = keys[event.key];
    if (!handler) { return; }
    if (event.key === "Enter" && document.body.dataset.page !== "list") { return; }
    event.preventDefault();
    handler();
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.dataset.page === "list") { remember(); restore(); }
    rows().forEach(function (row) {
      row.addEventListener("click", function () { select(row); });
    });
  });
}());
