// Keyboard shortcuts of the review page (no library, no inline script: the CSP forbids it).
//   feed:    j / k next / previous row, Enter open, a approve, r reject, s star, o original,
//            / search, v compact list on/off; after a / r the next row is selected
//   article: j / k next / previous article of the last feed page, a approve, r reject,
//            s star, o original, u back to the feed
//   both:    ? the list of every shortcut (templates/partials/help.html), Esc closes it
// Times (time[data-moment]) are shown in the editor's zone: their saved setting (body
// data-zone), else this browser's own.
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

  function act(name, advance) {
    var where = scope();
    var form = where && where.querySelector('form[data-action="' + name + '"]');
    if (!form) { return; }
    if (advance && document.body.dataset.page === "list") {
      // Triage moves on: after the reload the row below (or above, at the end) is selected.
      var all = rows(), index = all.indexOf(current());
      var next = all[index + 1] || all[index - 1];
      if (next) {
        try { sessionStorage.setItem("aggregator.current", next.dataset.id); } catch (e) { /* private mode */ }
      }
    }
    form.submit();
  }

  function toggleHelp(show) {
    var help = document.getElementById("help");
    if (!help) { return; }
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) { document.getElementById("help-close").focus(); }
  }

  function setCompact(on) {
    document.body.classList.toggle("compact", on);
    var button = document.getElementById("view-toggle");
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "Cards" : "Compact";
    }
    // A cookie, so the server renders the next page compact at once (no flash of cards).
    document.cookie = "aggregator_view=" + (on ? "compact" : "cards") +
      "; path=/; max-age=31536000; SameSite=Lax";
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showZones() {
    var zone = document.body.dataset.zone || undefined;
    var format;
    try {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
      });
    } catch (e) { return; }
    document.querySelectorAll("time[data-moment]").forEach(function (el) {
      var at = new Date(el.dataset.moment);
      if (isNaN(at.getTime())) { return; }
      var parts = {};
      format.formatToParts(at).forEach(function (p) { parts[p.type] = p.value; });
      el.textContent = parts.year + "-" + parts.month + "-" + parts.day + " " +
        pad(Number(parts.hour) % 24) + ":" + parts.minute + " " + (parts.timeZoneName || "");
    });
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
    "a": function () { act("approve", true); },
    "r": function () { act("reject", true); },
    "s": function () { act(current() && current().classList.contains("starred") ? "unstar" : "star"); },
    "o": openOriginal,
    "u": function () { var back = document.getElementById("back"); if (back) { window.location.href = back.href; } },
    "v": function () { if (document.body.dataset.page === "list") { setCompact(!document.body.classList.contains("compact")); } },
    "/": function () { var q = document.getElementById("q"); if (q) { q.focus(); q.select(); } },
    "?": function () { toggleHelp(); },
    "Escape": function () { toggleHelp(false); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var help = document.getElementById("help");
    if (help && !help.hidden && event.key !== "?" && event.key !== "Escape") { return; }
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
    showZones();
    if (document.body.dataset.page === "list") { remember(); restore(); }
    var toggle = document.getElementById("view-toggle");
    if (toggle) {
      setCompact(document.body.classList.contains("compact"));
      toggle.addEventListener("click", function () { setCompact(!document.body.classList.contains("compact")); });
    }
    var close = document.getElementById("help-close");
    if (close) { close.addEventListener("click", function () { toggleHelp(false); }); }
    rows().forEach(function (row) {
      row.addEventListener("click", function () { select(row); });
    });
  });
}());
