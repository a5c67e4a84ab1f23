/* Assisted intake (intake/assisted.html): a button data-add="PREFIX" adds one more row to the formset PREFIX
 * by cloning its empty form (Django's __prefix__ convention) from <template id="PREFIX-empty">. */
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("[data-add]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var prefix = btn.dataset.add, total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
        var html = document.getElementById(prefix + "-empty").innerHTML.replace(/__prefix__/g, total.value);
        document.getElementById(prefix).insertAdjacentHTML("beforeend", html);
        total.value = parseInt(total.value, 10) + 1;
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
