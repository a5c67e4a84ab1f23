/* Tiaojie page behaviours (our own, no dependencies), loaded on every page by base.html.
 *
 * The Content-Security-Policy (docs/security.md) blocks inline scripts and on*= handlers, so what a template
 * used to write as onclick="..." is a data attribute here. Listeners sit on the document, so content that
 * htmx swaps in later works too.
 *   data-select-all              on an input: a click or focus selects its whole value (a link to copy)
 *   data-autosubmit              on a select: choosing an option submits its form
 *   data-enter-event="NAME"      on an input: Enter fires the event NAME on it (an hx-trigger without a filter;
 *                                htmx filters such as keyup[key=='Enter'] need eval, which the policy forbids)
 *   data-swap-errors             on an htmx element or an ancestor: a 400 or 403 answer is swapped in like a
 *                                200 (the answer is the Chinese message that says what to fix)
 *   data-commit-select           on a select: fires "commit" (its hx-trigger) when a choice is made, not on
 *                                every "change". Chromium changes a closed select's value on ↓/↑ and fires
 *                                "change" at once; the region picker then fetched the next level and
 *                                replaced itself, so ↓ on the province list committed 北京市 and dropped
 *                                focus. Following the WAI-ARIA listbox pattern, arrow keys and type-ahead
 *                                only move; Enter, Tab or leaving the list commits; a pick with the mouse, a
 *                                finger or the opened list commits at once. After the swap, focus goes to the
 *                                next level's select (or stays on the one used), so the keyboard user goes on.
 */
(function () {
  "use strict";

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  function selectAll(event) {
    var el = closest(event.target, "[data-select-all]");
    if (el && el.select) el.select();
  }
  document.addEventListener("click", selectAll);
  document.addEventListener("focusin", selectAll);

  document.addEventListener("change", function (event) {
    var el = closest(event.target, "[data-autosubmit]");
    if (el && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var el = closest(event.target, "[data-enter-event]");
    if (el) el.dispatchEvent(new Event(el.getAttribute("data-enter-event"), { bubbles: true }));
  });

  // Keys that move a closed select's choice in place (type-ahead letters too). Space and Alt+↓ open the list,
  // whose own choice then arrives as a "change" with no moving key in between, and commits.
  var MOVING_KEYS = ["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"];
  var refocus = null;  // where focus goes once the committed select's container has been swapped

  // how: "stay" (Enter, a pick: focus goes on to the next level, else back to this one), "tab" (focus goes on
  // to the next level if there is one, else where Tab took it), "none" (focus left for elsewhere: leave it).
  function commitSelect(el, how) {
    el.removeAttribute("data-moved");
    if (el.value === el.getAttribute("data-committed")) return;
    el.setAttribute("data-committed", el.value);
    var box = el.parentElement ? el.parentElement.closest("[id]") : null;
    refocus = null;
    if (how !== "none" && box) {
      var index = Array.prototype.indexOf.call(box.querySelectorAll("select[data-commit-select]"), el);
      refocus = { id: box.id, next: el.value ? index + 1 : index, same: index, stay: how === "stay" };
    }
    el.dispatchEvent(new Event("commit", { bubbles: true }));
  }

  document.addEventListener("focusin", function (event) {
    var el = closest(event.target, "select[data-commit-select]");
    if (el && !el.hasAttribute("data-committed")) el.setAttribute("data-committed", el.value);
  });

  document.addEventListener("keydown", function (event) {
    var el = closest(event.target, "select[data-commit-select]");
    if (!el) return;
    if (event.key === "Enter") {
      event.preventDefault();  // Enter chooses here; it does not submit the form
      commitSelect(el, "stay");
    } else if (event.key === "Tab") {
      commitSelect(el, "tab");
    } else if (!event.altKey && (MOVING_KEYS.indexOf(event.key) >= 0 || (event.key.length === 1 && event.key !== " "))) {
      el.setAttribute("data-moved", "");
    } else {
      el.removeAttribute("data-moved");
    }
  });

  document.addEventListener("change", function (event) {
    var el = closest(event.target, "select[data-commit-select]");
    if (!el) return;
    if (!el.hasAttribute("data-moved")) commitSelect(el, document.activeElement === el ? "stay" : "none");
  });

  document.addEventListener("focusout", function (event) {
    var el = closest(event.target, "select[data-commit-select]");
    if (el && el.hasAttribute("data-moved")) commitSelect(el, "none");
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!refocus) return;
    var box = document.getElementById(refocus.id);
    var wanted = refocus;
    refocus = null;
    if (!box) return;
    var selects = box.querySelectorAll("select[data-commit-select]");
    var target = selects[wanted.next] || (wanted.stay ? selects[wanted.same] : null);
    if (target) target.focus();
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var config = event.detail.requestConfig;  // detail.elt is the swap target; the requester is here
    var source = config && config.elt ? config.elt : event.detail.elt;
    if ((status === 400 || status === 403) && closest(source, "[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
