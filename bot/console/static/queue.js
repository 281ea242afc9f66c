// Keeps the escalation queue fresh without reloading: polls the JSON endpoint and
// rebuilds the table body with text nodes only (nothing from the server is parsed as HTML).
(function () {
  "use strict";
  var table = document.getElementById("queue");
  var body = document.getElementById("queue-rows");
  var status = document.getElementById("queue-status");
  if (!table || !body || !window.fetch) { return; }
  var source = table.getAttribute("data-source");
  var every = 5000;
  var lastCount = body.querySelectorAll("tr:not(.empty)").length;

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
    tr.appendChild(ref);
    tr.appendChild(cell("td", "Age", item.age));
    tr.appendChild(cell("td", "Channel", item.channel));
    tr.appendChild(cell("td", "Reason", item.reason));
    tr.appendChild(cell("td", "Patient", item.phone));
    var state = cell("td", "Status", item.status);
    if (item.notify_failed) { state.appendChild(document.createTextNode(" ")); state.appendChild(badge("warn", item.notify)); }
    tr.appendChild(state);
    tr.appendChild(cell("td", "Assignee", item.assignee || "nobody yet"));
    return tr;
  }

  function render(items) {
    var rows = document.createDocumentFragment();
    items.forEach(function (item) { rows.appendChild(row(item)); });
    if (!items.length) {
      var tr = document.createElement("tr");
      tr.className = "empty";
      var td = document.createElement("td");
      td.colSpan = 7;
      td.textContent = "No one is waiting.";
      tr.appendChild(td);
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
    var text = items.length + " waiting.";
    if (items.length > lastCount) { text += " New escalation."; }
    lastCount = items.length;
    status.textContent = text;
  }

  function poll() {
    if (document.hidden) { return; }
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { throw new Error("logged out"); }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) { render(data.escalations); table.setAttribute("data-updated", Date.now()); })
      .catch(function (error) {
        status.textContent = error.message === "logged out"
          ? "Your session has ended: reload the page to log in again."
          : "Could not refresh the queue; trying again.";
      });
  }

  setInterval(poll, every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
}());
