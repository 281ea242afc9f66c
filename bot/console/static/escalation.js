// Keeps an open escalation page up to date without reloading: the patient's new messages
// (and the bot's, and colleagues' texts) are added to the transcript; each staff text's
// delivery state, the status, the assignee and the patient's language are updated in
// place. Nothing on the page is rebuilt, so a draft being typed and keyboard focus stay
// as they are. Lines are built from text nodes only (nothing from the server is parsed
// as HTML). A patient's message is announced in a polite status region, and marked in
// the tab's title while the tab is in the background; an ended session goes to the
// login page; a page that stops updating says so.
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  var status = document.getElementById("transcript-status");
  var alertBox = document.getElementById("transcript-alert");
  if (!list || !status || !alertBox || !window.fetch) { return; }
  var source = list.getAttribute("data-source");
  var seen = Number(list.getAttribute("data-seen")) || 0;
  var VISIBLE_EVERY = 5000, HIDDEN_EVERY = 15000, FAILURES_BEFORE_ALERT = 2;
  var title = document.title;
  var badge = document.getElementById("status-badge");
  var wasResolved = badge !== null && badge.textContent === "resolved";
  var unread = 0, failures = 0, polls = 0, timer = null, busy = false, stopped = false;

  function line(item) {
    var li = document.createElement("li");
    li.className = "from-" + item.from;
    var meta = document.createElement("p");
    meta.className = "meta";
    var who = document.createElement("strong");
    who.textContent = item.speaker;
    meta.appendChild(who);
    if (item.time) {
      var when = document.createElement("time");
      when.setAttribute("datetime", item.iso);
      when.textContent = item.time;
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(when);
    }
    if (item.reply_id) {
      var delivery = document.createElement("span");
      delivery.className = "delivery";
      delivery.setAttribute("data-reply", item.reply_id);
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(delivery);
    }
    var said = document.createElement("p");
    said.className = "said";
    said.textContent = item.text;
    li.appendChild(meta);
    li.appendChild(said);
    return li;
  }

  function setText(node, text) {
    if (node && node.textContent !== text) { node.textContent = text; }
  }

  function showAlert(text) {
    setText(alertBox, text);
    alertBox.hidden = false;
  }

  function render(data) {
    if (failures >= FAILURES_BEFORE_ALERT) { alertBox.hidden = true; }
    failures = 0;
    var fromPatient = 0;
    data.lines.forEach(function (item) {
      list.appendChild(line(item));
      if (item.from === "patient") { fromPatient += 1; }
    });
    if (data.lines.length) {
      var none = document.getElementById("no-messages");
      if (none) { none.remove(); }
    }
    seen = data.seen;
    list.setAttribute("data-seen", String(seen));
    list.querySelectorAll("[data-reply]").forEach(function (span) {
      var state = data.deliveries[span.getAttribute("data-reply")];
      if (!state) { return; }
      setText(span, state.text);
      span.className = "delivery delivery-" + state.status;
    });
    if (badge) { setText(badge, data.status); badge.className = "badge status-" + data.status; }
    setText(document.getElementById("fact-assignee"), data.assignee);
    var language = document.getElementById("language-badge");
    if (language) { setText(language, data.language_name); language.className = "badge lang-" + data.language; }
    setText(document.getElementById("language-hint"), data.writes_in);
    if (fromPatient) {
      var last = data.lines.filter(function (item) { return item.from === "patient"; }).pop();
      setText(status, (fromPatient === 1 ? "New message from the patient" : fromPatient + " new messages from the patient") +
              (last.time ? ", " + last.time + "." : "."));
      if (document.hidden) { unread += fromPatient; }
    }
    document.title = (unread ? "(" + unread + " new) " : "") + title;
    if (data.status === "resolved") {
      stopped = true;  // nothing more will come: the bot has the conversation again
      if (!wasResolved) { setText(status, "This escalation is resolved; the bot answers the patient again."); }
    }
  }

  function failed() {
    failures += 1;
    if (failures >= FAILURES_BEFORE_ALERT) {
      showAlert("This page is not updating: the console cannot reach the server. " +
                "New messages may be missing below. Still trying.");
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (!stopped) { timer = setTimeout(poll, document.hidden ? HIDDEN_EVERY : VISIBLE_EVERY); }
  }

  function poll() {
    if (busy || stopped) { return; }
    busy = true;
    var url = source + "?seen=" + encodeURIComponent(String(seen));
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            stopped = true;
            showAlert("Your session has ended, so this page is no longer updating. Taking you to the login page.");
            if (data.login) { window.location.assign(data.login); }
          });
        }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json().then(render);
      })
      .catch(failed)
      .then(function () {
        busy = false;
        polls += 1;
        list.setAttribute("data-polls", String(polls));  // for tests: a poll has finished
        schedule();
      });
  }

  schedule();
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      unread = 0;
      document.title = title;
      clearTimeout(timer);
      poll();
    }
  });
}());
