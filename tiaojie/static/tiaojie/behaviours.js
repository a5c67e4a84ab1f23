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
