/* Offline station map: the uploaded outline, the vendored boundaries (static/vendor/geo), or
   areas drawn from the region data, as an ECharts geo component (plain longitude/latitude axes
   when none exists). A marker opens the
   station's figures; labels that would overlap are hidden. */
(function () {
  "use strict";
  var el = document.getElementById("map-data");
  var node = document.getElementById("station-map");
  if (!el || !node || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var chart = echarts.init(node, null, { renderer: "svg" });
  var max = data.points.reduce(function (m, p) { return Math.max(m, p.value[2]); }, 1);
  var visualMap = { min: 0, max: max, dimension: 2, calculable: true,
                    text: [data.legend[1], data.legend[0]], textGap: 6,
                    inRange: { color: ["#9ecae1", "#fdae6b", "#d7301f"] }, left: 8, bottom: 8 };
  var tooltip = { trigger: "item", formatter: function (p) {
    return p.value && p.value.length > 2 ? p.name + " · " + data.label + ": " + p.value[2] : p.name; } };
  var scatter = { type: "scatter", symbolSize: 10, data: data.points,
                  label: { show: true, position: "right", formatter: "{b}", fontSize: 11 },
                  labelLayout: { hideOverlap: true }, emphasis: { label: { show: true } } };
  var option;
  if (data.outline) {
    echarts.registerMap(data.name || "area", data.outline);
    scatter.coordinateSystem = "geo";
    option = { animation: false, tooltip: tooltip, visualMap: visualMap,
      geo: { map: data.name || "area", roam: true, label: { show: true, color: "#666", fontSize: 11 },
             itemStyle: { areaColor: "#f3f3f3", borderColor: "#888" },
             emphasis: { label: { show: true }, itemStyle: { areaColor: "#e8eef5" } } },
      series: [scatter] };
  } else {
    option = { animation: false, tooltip: tooltip, visualMap: visualMap,
      xAxis: { type: "value", scale: true, name: data.axes.x }, yAxis: { type: "value", scale: true, name: data.axes.y },
      series: [scatter] };
  }
  chart.setOption(option);
  chart.on("click", function (p) {
    if (p.seriesType === "scatter" && p.data && p.data.url) window.location.href = p.data.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
