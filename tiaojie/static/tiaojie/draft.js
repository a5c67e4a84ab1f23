/* Tiaojie draft keeper (our own, no dependencies).
 *
 * A form marked data-draft="NAME" has every named field saved to localStorage ("tiaojie.draft.NAME") as the
 * person types, and restored when the page loads again: a reload, a dropped connection or a closed tab loses
 * nothing. The server also keeps each step in the session; the copy here covers what was typed since.
 *   data-draft-skip            on a field: never saved (selects rebuilt by htmx, ids picked on the server)
 *   data-draft-restore="URL"   on a hidden field: when the saved value differs, fetch URL+value with htmx
 *                              into the element's parent (the cascading location selects)
 *   data-draft-notice          shown when something was restored
 *   data-draft-clear="NAME"    anywhere on a page: forget that draft (after a successful submit)
 *   data-no-enter              on an input: Enter does not submit the form (a search box)
 */
(function () {
  "use strict";
  var PREFIX = "tiaojie.draft.";
  var SKIP_TYPES = ["file", "submit", "button", "reset", "password", "image"];

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem(PREFIX + "probe", "1");
      s.removeItem(PREFIX + "probe");
      return s;
    } catch (e) {
      return null; // private mode or disabled: the session copy still holds each step
    }
  }

  var store = storage();

  function read(name) {
    try {
      var data = JSON.parse(store.getItem(PREFIX + name) || "{}");
      return data && typeof data === "object" ? data : {};
    } catch (e) {
      return {};
    }
  }

  function write(name, data) {
    try {
      store.setItem(PREFIX + name, JSON.stringify(data));
    } catch (e) {
      /* storage full: nothing more to do */
    }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "nav" &&
        SKIP_TYPES.indexOf(el.type) < 0 && !el.hasAttribute("data-draft-skip");
    });
  }

  function save(form) {
    var data = read(form.dataset.draft);
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value;
      } else if (el.type === "checkbox") {
        data[el.name] = el.checked ? "on" : "";
      } else {
        data[el.name] = el.value;
      }
    });
    write(form.dataset.draft, data);
  }

  function restore(form) {
    var data = read(form.dataset.draft);
    var changed = false;
    var has = function (name) { return Object.prototype.hasOwnProperty.call(data, name); };
    fields(form).forEach(function (el) {
      if (!has(el.name)) return;
      var saved = String(data[el.name]);
      if (el.type === "radio") {
        var on = saved === el.value;
        if (on !== el.checked) { el.checked = on; changed = true; }
      } else if (el.type === "checkbox") {
        var ticked = saved === "on";
        if (ticked !== el.checked) { el.checked = ticked; changed = true; }
      } else if (el.hasAttribute("data-draft-restore")) {
        if (saved !== el.value && window.htmx) {
          var target = el.parentElement;
          window.htmx.ajax("GET", el.getAttribute("data-draft-restore") + encodeURIComponent(saved),
            { target: target, swap: "outerHTML" });
          changed = true;
        }
      } else if (el.type !== "hidden" && saved !== el.value) {
        el.value = saved;
        changed = true;
      }
    });
    if (changed) {
      document.querySelectorAll("[data-draft-notice]").forEach(function (n) { n.hidden = false; });
    }
  }

  function start() {
    document.querySelectorAll("[data-no-enter]").forEach(function (el) {
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    });
    if (!store) return;
    document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      store.removeItem(PREFIX + el.getAttribute("data-draft-clear"));
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      restore(form);
      var keep = function () { save(form); };
      form.addEventListener("input", keep);
      form.addEventListener("change", keep);
    });
    // A part of the form replaced by htmx (the location selects) is saved once it is in place.
    document.body.addEventListener("htmx:afterSettle", function () {
      document.querySelectorAll("form[data-draft]").forEach(save);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
