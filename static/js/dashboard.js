/* 统计看板: draw each chart from the JSON block the page rendered beside it.
 * The same numbers are always in the table under the chart, so without
 * JavaScript (or ECharts) nothing is lost; printing shows only the tables. */
(function () {
  "use strict";
  function draw(holder) {
    var id = holder.getAttribute("data-chart");
    var block = document.getElementById(id + "-data");
    if (!block || typeof window.echarts === "undefined") return;
    var spec = JSON.parse(block.textContent);
    if (!spec.categories.length) { holder.hidden = true; return; }
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    var suffix = spec.percent ? "%" : "";
    chart.setOption({
      aria: { enabled: true },
      color: ["#b71c1c", "#0b4f9c", "#2e7d32", "#6a1b9a", "#ef6c00"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + suffix; } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}" + suffix } },
      series: spec.series.map(function (s, i) {
        // Line series get different symbols, so they differ by shape as well as colour.
        return { name: s.name, type: spec.kind, data: s.data, connectNulls: false,
                 symbol: ["circle", "rect", "triangle", "diamond"][i % 4], symbolSize: 8 };
      })
    });
    holder.classList.add("dash-chart-drawn");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    var holders = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < holders.length; i++) draw(holders[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
