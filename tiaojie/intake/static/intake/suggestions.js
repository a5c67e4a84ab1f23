/* Dispute-type suggestions (docs/knowledge.md, "Suggestions at intake"). A button data-use-claim-types="a,b"
 * (intake/_suggestions.html, the public claims step) puts those claim types into the form it sits in, only when
 * clicked: a suggestion never fills a form by itself. The forms differ, so each shape is handled:
 *   - checkboxes named claim_<type> (the public claims step): tick them;
 *   - the claims formset of assisted intake (claims-N-type selects): fill the rows nobody has set, adding rows
 *     with the formset's own "add" button;
 *   - the hotline's call form (topic + other_topics checkboxes): the main matter if nobody chose one, the
 *     others ticked;
 *   - the hotline's conversion (claim_type, claim_type_2 …): fill the empty rows.
 * A select the person changed (data-touched) is never overwritten; a type already chosen is not added twice. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.tagName === "SELECT") el.setAttribute("data-touched", "1");
  });

  function chosen(selects) {
    return selects.map(function (s) { return s.value; }).filter(function (v) { return v; });
  }

  function blankRow(select, prefix) {
    if (select.getAttribute("data-touched")) return false;
    var amount = document.getElementsByName(prefix + "amount")[0];
    var desc = document.getElementsByName(prefix + "description")[0];
    return !(amount && amount.value) && !(desc && desc.value);
  }

  function fillFormset(types) {
    var add = document.querySelector('[data-add="claims"]');
    function selects() {
      return Array.prototype.slice.call(document.querySelectorAll('select[name^="claims-"][name$="-type"]'));
    }
    function free(s) { return !s.getAttribute("data-filled") && blankRow(s, s.name.replace(/type$/, "")); }
    types.forEach(function (type) {
      var all = selects();
      if (all.some(function (s) { return s.value === type && !free(s); })) return;
      var row = all.filter(free)[0];
      if (!row && add) {
        add.click();
        all = selects();
        row = all[all.length - 1];
      }
      if (row) { row.value = type; row.setAttribute("data-filled", "1"); }
    });
  }

  function fillHotlineCall(types) {
    var topic = document.querySelector('select[name="topic"]');
    var rest = types.slice();
    if (topic && !topic.getAttribute("data-touched")) { topic.value = rest.shift(); topic.setAttribute("data-touched", "1"); }
    rest.forEach(function (type) {
      if (topic && topic.value === type) return;
      var box = document.querySelector('input[name="other_topics"][value="' + type + '"]');
      if (box) box.checked = true;
    });
  }

  function fillConversion(types) {
    // The first row holds the call's main matter, chosen when the call was logged: only empty rows are filled.
    var rows = Array.prototype.slice.call(document.querySelectorAll('select[name^="claim_type"]'));
    types.forEach(function (type) {
      if (chosen(rows).indexOf(type) >= 0) return;
      var row = rows.filter(function (s) { return s.name !== "claim_type" && !s.value; })[0];
      if (row) row.value = type;
    });
  }

  document.addEventListener("click", function (event) {
    var btn = event.target && event.target.closest ? event.target.closest("[data-use-claim-types]") : null;
    if (!btn) return;
    event.preventDefault();
    var types = btn.getAttribute("data-use-claim-types").split(",").filter(function (t) { return t; });
    if (document.querySelector('input[type="checkbox"][name^="claim_"]')) {
      types.forEach(function (type) {
        var box = document.querySelector('input[type="checkbox"][name="claim_' + type + '"]');
        if (box) box.checked = true;
      });
    } else if (document.getElementById("id_claims-TOTAL_FORMS")) {
      fillFormset(types);
    } else if (document.querySelector('select[name="topic"]')) {
      fillHotlineCall(types);
    } else {
      fillConversion(types);
    }
    btn.setAttribute("data-used", "1");
  });

  // The public step renders its button hidden: without this script it would do nothing.
  function start() {
    document.querySelectorAll("[data-use-claim-types][hidden]").forEach(function (b) { b.hidden = false; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
