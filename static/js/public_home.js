/* Public home: "nearest to me" fills the position into the find form; the station map. */
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var form = document.getElementById("find-form");
  var status = document.getElementById("location-status");
  if (button && form) {
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = button.dataset.denied; return; }
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(5);
        form.querySelector("[name=region]").value = "";
        form.querySelector("[name=q]").value = "";
        form.submit();
      }, function () { status.textContent = button.dataset.denied; }, { timeout: 10000 });
    });
  }
  var el = document.getElementById("public-map-data");
  var node = document.getElementById("public-map");
  if (!el || !node || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var chart = echarts.init(node, null, { renderer: "svg" });
  var tooltip = { trigger: "item", formatter: function (p) {
    return p.seriesType === "scatter" ? p.name + "<br>" + data.open : p.name; } };
  var scatter = { type: "scatter", symbolSize: 12, itemStyle: { color: "#c0392b" },
                  labelLayout: { hideOverlap: true }, data: data.points };
  if (data.outline) {
    // The vendored boundaries of the stations' cities, drawn offline.
    echarts.registerMap("public-area", data.outline);
    scatter.coordinateSystem = "geo";
    chart.setOption({ animation: false, tooltip: tooltip,
      geo: { map: "public-area", roam: true, label: { show: true, color: "#777", fontSize: 11 },
             itemStyle: { areaColor: "#f5f5f5", borderColor: "#999" },
             emphasis: { label: { show: true }, itemStyle: { areaColor: "#e8eef5" } } },
      series: [scatter] });
  } else {
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 24, bottom: 36 },
      tooltip: tooltip,
      xAxis: { type: "value", scale: true, name: data.axes.x, nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "value", scale: true, name: data.axes.y },
      series: [scatter]
    });
  }
  chart.on("click", function (p) {
    if (p.seriesType === "scatter" && p.data && p.data.url) window.location.href = p.data.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
