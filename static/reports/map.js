/* Offline station map: the uploaded outline as an ECharts geo component, or plain lon/lat axes. */
(function () {
  "use strict";
  var el = document.getElementById("map-data");
  var node = document.getElementById("station-map");
  if (!el || !node || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var chart = echarts.init(node, null, { renderer: "svg" });
  var max = data.points.reduce(function (m, p) { return Math.max(m, p.value[2]); }, 1);
  var visualMap = { min: 0, max: max, dimension: 2, calculable: true, text: [data.label, ""],
                    inRange: { color: ["#9ecae1", "#fdae6b", "#d7301f"] }, left: 8, bottom: 8 };
  var tooltip = { trigger: "item", formatter: function (p) { return p.name + ": " + p.value[2]; } };
  var option;
  if (data.outline) {
    echarts.registerMap(data.name, data.outline);
    option = { animation: false, tooltip: tooltip, visualMap: visualMap,
      geo: { map: data.name, roam: true, itemStyle: { areaColor: "#f3f3f3", borderColor: "#888" } },
      series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 9, data: data.points }] };
  } else {
    option = { animation: false, tooltip: tooltip, visualMap: visualMap,
      xAxis: { type: "value", scale: true, name: data.axes.x }, yAxis: { type: "value", scale: true, name: data.axes.y },
      series: [{ type: "scatter", symbolSize: 9, data: data.points }] };
  }
  chart.setOption(option);
  window.addEventListener("resize", function () { chart.resize(); });
})();
