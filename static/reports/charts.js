/* Dashboard charts from the #chart-data json_script block; drawn as SVG so they print sharply. */
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var charts = [];
  function make(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }
  var months = data.trend.map(function (r) { return r.month; });
  make("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: ["collected", "replied", "closed"].map(function (k) {
      return { name: data.labels[k], type: "line", data: data.trend.map(function (r) { return r[k]; }) };
    })
  });
  make("chart-categories", {
    tooltip: { trigger: "axis" },
    grid: { left: 100, right: 16, top: 8, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.categories.map(function (r) { return r.name; }) },
    series: [{ type: "bar", data: data.categories.map(function (r) { return r.value; }), label: { show: true, position: "right" } }]
  });
  make("chart-funnel", {
    tooltip: { trigger: "item" },
    series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { show: true, formatter: "{b}: {c}" },
               data: data.funnel }]
  });
  make("chart-tiers", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}: {c}" }, data: data.tiers }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
