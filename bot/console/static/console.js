// Every console page: read out the outcome of the last action, ask before a take-over,
// and count a text's characters as SMS counts them (bot/console/texting.py decides).
(function () {
  "use strict";

  // The flash after claim, reply or resolve: focus it, so screen readers read it.
  function focusFlash() {
    var flashes = document.getElementById("flashes");
    if (flashes && !document.querySelector("[autofocus]")) {
      flashes.focus({ preventScroll: Boolean(window.location.hash) });
    }
  }

  // <form data-confirm="question">: ask; once confirmed, fill in [data-confirmed] fields,
  // which the server wants before it acts (without them it asks on a page of its own).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question) { return; }
    if (!window.confirm(question)) { event.preventDefault(); return; }
    form.querySelectorAll("[data-confirmed]").forEach(function (field) {
      field.value = field.getAttribute("data-confirmed");
    });
  });

  // GSM-7, as bot/channels/sms_text.py: two septets for the extension table, typographic
  // characters made plain, accents dropped from Latin letters, anything else unsendable.
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENDED = "^{}\\[~]|€\f";
  var PLAIN = { "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                "\u201c": "\"", "\u201d": "\"", "\u201e": "\"", "\u2013": "-", "\u2014": "-",
                "\u2012": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-",
                "\t": " " };
  var ACCENTED = /^[A-Za-z][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+$/;

  function measure(text) {
    var sent = "", unsendable = [];
    Array.from(text.normalize("NFC").replace(/\r\n/g, "\n")).forEach(function (ch) {
      var plain;
      if (BASIC.indexOf(ch) >= 0 || EXTENDED.indexOf(ch) >= 0) { sent += ch; return; }
      if (Object.prototype.hasOwnProperty.call(PLAIN, ch)) { sent += PLAIN[ch]; return; }
      plain = ch.normalize("NFD");
      if (ACCENTED.test(plain)) { sent += plain.charAt(0); return; }
      if (unsendable.indexOf(ch) < 0) { unsendable.push(ch); }
    });
    var septets = 0;
    Array.from(sent.trim()).forEach(function (ch) { septets += EXTENDED.indexOf(ch) >= 0 ? 2 : 1; });
    return { septets: septets, unsendable: unsendable };
  }

  // As the server names them: in quotes, or by code point if invisible.
  function shown(ch) {
    if (/^[\p{C}\p{M}\p{Z}]$/u.test(ch)) {
      return "\"U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0") + "\"";
    }
    return "\"" + ch + "\"";
  }

  function counter(field) {
    var output = document.querySelector('[data-for="' + field.id + '"]');
    if (!output) { return; }
    var limit = Number(field.getAttribute("data-limit"));
    var count = document.createElement("span");
    var problem = document.createElement("span");  // read out only when it changes
    problem.setAttribute("role", "status");
    output.replaceChildren(count, document.createTextNode(" "), problem);
    function update() {
      var m = measure(field.value);
      var texts = m.septets <= 160 ? "1 text" : "2 texts";
      count.textContent = m.septets + " of " + limit + " characters" +
        (m.septets > limit ? "." : " (" + texts + ").");
      var words = "";
      if (m.unsendable.length) {
        words = "Cannot be sent by text: " + m.unsendable.map(shown).join(" ") + ".";
      } else if (m.septets > limit) {
        words = "Too long by " + (m.septets - limit) + ".";
      }
      if (problem.textContent !== words) { problem.textContent = words; }
      output.classList.toggle("over", words !== "");
    }
    field.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-limit]").forEach(counter);
  focusFlash();
}());
