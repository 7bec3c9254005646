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
  chart.setOption({
    animation: false,
    grid: { left: 48, right: 16, top: 24, bottom: 36 },
    tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + data.open; } },
    xAxis: { type: "value", scale: true, name: data.axes.x, nameLocation: "middle", nameGap: 24 },
    yAxis: { type: "value", scale: true, name: data.axes.y },
    series: [{ type: "scatter", symbolSize: 12, itemStyle: { color: "#c0392b" },
               labelLayout: { hideOverlap: true }, data: data.points }]
  });
  chart.on("click", function (p) {
    if (p.data && p.data.url) window.location.href = p.data.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
