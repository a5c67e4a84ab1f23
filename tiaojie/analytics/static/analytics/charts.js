// Progressive enhancement: each [data-chart] element names a json_script holding an ECharts option built in
// Python (tiaojie/analytics/queries.py). The table beside every chart carries the same numbers.
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      // Through the CSSOM, not a style attribute, which the Content-Security-Policy blocks.
      el.style.height = (parseInt(el.getAttribute("data-chart-height"), 10) || 320) + "px";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option = JSON.parse(source.textContent);
      // ECharts' HTML tooltip is markup with style="…" attributes, which the policy blocks: draw it in the SVG.
      if (option.tooltip) { option.tooltip.renderMode = "richText"; }
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
