// Keeps the escalation queue fresh without reloading: new escalations, a patient's
// reply (the row's "Patient replied" mark, and a line in the status region), waiting times. It polls the JSON endpoint (more
// slowly in a background tab) and changes the table only when the data changed: rows
// that did not change stay as they are, so keyboard focus stays where it was. Rows are
// built from text nodes only (nothing from the server is parsed as HTML). The page title
// carries the count for a background tab; the status line is rewritten only when its
// words change; an ended session goes to the login page; a queue that stops updating
// says so in an alert.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  var body = document.getElementById("queue-rows");
  var status = document.getElementById("queue-status");
  var alertBox = document.getElementById("queue-alert");
  if (!table || !body || !status || !alertBox || !window.fetch) { return; }
  var source = table.getAttribute("data-source");
  var login = table.getAttribute("data-login");
  var VISIBLE_EVERY = 5000, HIDDEN_EVERY = 15000, FAILURES_BEFORE_ALERT = 2;
  var suffix = document.title.slice(document.title.indexOf(" - "));
  var title = document.title.slice(0, document.title.indexOf(" - "));
  var last = "";        // the data on screen, as JSON
  var known = references();
  var replied = repliedNow();
  var news = "";        // what the status line adds to the count, until the rows change
  var updated = table.getAttribute("data-updated");  // the server's clock, the pharmacy's time zone
  var failures = 0, polls = 0, timer = null, busy = false, stopped = false;

  function references() {
    var seen = {};
    body.querySelectorAll("th a").forEach(function (a) { seen[a.textContent] = true; });
    return seen;
  }

  function repliedNow() {
    var seen = {};
    body.querySelectorAll("tr").forEach(function (tr) {
      var a = tr.querySelector("th a");
      if (a && tr.querySelector(".badge.replied")) { seen[a.textContent] = true; }
    });
    return seen;
  }

  function cell(tag, label, text) {
    var node = document.createElement(tag);
    node.setAttribute("data-label", label);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function badge(kind, text) {
    var node = document.createElement("strong");
    node.className = "badge " + kind;
    node.textContent = text;
    return node;
  }

  function row(item) {
    var tr = document.createElement("tr");
    if (item.urgent) { tr.className = "urgent"; }
    var ref = cell("th", "Reference");
    ref.setAttribute("scope", "row");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.reference;
    ref.appendChild(link);
    if (item.urgent) { ref.appendChild(document.createTextNode(" ")); ref.appendChild(badge("urgent", "Urgent")); }
    if (item.replied) { ref.appendChild(document.createTextNode(" ")); ref.appendChild(badge("replied", "Patient replied")); }
    tr.appendChild(ref);
    var wait = cell("td", "Waiting", item.waiting);
    if (item.answered) { wait.className = "muted"; }
    tr.appendChild(wait);
    var last = cell("td", "Last message", item.last);
    last.className = "preview";
    tr.appendChild(last);
    tr.appendChild(cell("td", "Channel", item.channel));
    var language = cell("td", "Language");
    var name = document.createElement("span");
    name.className = "badge lang-" + item.language;
    name.textContent = item.language_name;
    language.appendChild(name);
    tr.appendChild(language);
    tr.appendChild(cell("td", "Reason", item.reason));
    tr.appendChild(cell("td", "Patient", item.phone));
    var state = cell("td", "Status", item.status);
    if (item.notify_failed) { state.appendChild(document.createTextNode(" ")); state.appendChild(badge("warn", item.notify)); }
    tr.appendChild(state);
    tr.appendChild(cell("td", "Assignee", item.assignee || "nobody yet"));
    return tr;
  }

  function emptyRow() {
    var tr = document.createElement("tr");
    tr.className = "empty";
    var td = document.createElement("td");
    td.colSpan = 9;
    td.textContent = "No one is waiting.";
    tr.appendChild(td);
    return tr;
  }

  // What a row shows but for its waiting time (which changes every minute and is updated
  // in place, unless it becomes "answered").
  function words(tr) {
    return Array.prototype.filter.call(tr.children, function (c) {
      return c.getAttribute("data-label") !== "Waiting" || c.textContent === "answered";
    })
      .map(function (c) { return c.textContent.replace(/\s+/g, " ").trim(); })
      .concat(tr.className.trim()).join("|");
  }

  // Make the table body show `items`, replacing only the rows whose words changed: the
  // others, and a link focused in them, stay as they are (the server's rows included).
  function renderRows(items) {
    var focused = document.activeElement;
    var focusedHref = focused && body.contains(focused) ? focused.getAttribute("href") : null;
    var fresh = items.map(row);
    var wanted = {};
    fresh.forEach(function (tr) { wanted[words(tr)] = true; });
    var kept = {};
    Array.prototype.slice.call(body.children).forEach(function (tr) {
      var said = words(tr);
      if (wanted[said] && !kept[said]) { kept[said] = tr; } else { tr.remove(); }
    });
    var cursor = body.firstElementChild;
    fresh.forEach(function (tr, i) {
      var old = kept[words(tr)];
      if (!old) { body.insertBefore(tr, cursor); return; }
      if (old !== cursor) { body.insertBefore(old, cursor); } else { cursor = cursor.nextElementSibling; }
      var wait = old.querySelector('[data-label="Waiting"]');
      if (wait.textContent !== items[i].waiting) { wait.textContent = items[i].waiting; }
    });
    if (!items.length) { body.appendChild(emptyRow()); }
    // A row that changed was rebuilt: put focus back on its new link (or on the table).
    if (focusedHref !== null && !body.contains(document.activeElement)) {
      var again = Array.prototype.find.call(body.querySelectorAll("a"), function (a) {
        return a.getAttribute("href") === focusedHref;
      });
      (again || table).focus();
    }
  }

  function say(text) {
    if (status.textContent !== text) { status.textContent = text; }
  }

  function showAlert(text) {
    if (alertBox.textContent !== text) { alertBox.textContent = text; }
    alertBox.hidden = false;
  }

  function render(data) {
    var items = data.escalations;
    var now = {};
    var added = [];
    var answers = {};
    var wrote = [];
    items.forEach(function (item) {
      now[item.reference] = true;
      if (!known[item.reference]) { added.push(item.reference + (item.urgent ? " (urgent)" : "")); }
      if (item.replied) {
        answers[item.reference] = true;
        if (known[item.reference] && !replied[item.reference]) { wrote.push(item.reference); }
      }
    });
    var same = Object.keys(now).length === Object.keys(known).length && !added.length && !wrote.length;
    if (!same) {
      news = [added.length ? "New: " + added.join(", ") + "." : "",
              wrote.length ? "Patient replied: " + wrote.join(", ") + "." : ""].join(" ").trim();
    }
    replied = answers;
    if (failures >= FAILURES_BEFORE_ALERT) {
      alertBox.hidden = true;
      table.classList.remove("stale");
      news = "The queue is updating again.";
    }
    known = now;
    failures = 0;
    updated = data.updated;
    var json = JSON.stringify(items);
    if (json !== last) { renderRows(items); last = json; }
    say(news ? data.status + " " + news : data.status);
    title = data.title;
    document.title = title + suffix;
  }

  function loggedOut(target) {
    stopped = true;
    table.hidden = true;  // no rows that are no longer true
    document.title = "Logged out: " + title + suffix;
    showAlert("Your session has ended, so the queue is no longer updating. Taking you to the login page.");
    window.location.assign(target || login);
  }

  function failed() {
    failures += 1;
    if (failures < FAILURES_BEFORE_ALERT) { return; }
    table.classList.add("stale");
    document.title = "(not updating) " + title + suffix;
    showAlert("The queue is not updating: the console cannot reach the server. " +
              "The list below is from " + updated + " and may be out of date. Still trying.");
  }

  function schedule() {
    clearTimeout(timer);
    if (!stopped) { timer = setTimeout(poll, document.hidden ? HIDDEN_EVERY : VISIBLE_EVERY); }
  }

  function poll() {
    if (busy || stopped) { return; }
    busy = true;
    fetch(source, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          return response.json().catch(function () { return {}; })
            .then(function (data) { loggedOut(data.login); });
        }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json().then(render);
      })
      .catch(failed)
      .then(function () {
        busy = false;
        polls += 1;
        table.setAttribute("data-polls", String(polls));  // for tests: a poll has finished
        schedule();
      });
  }

  schedule();
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { clearTimeout(timer); poll(); }
  });
}());
