// Fill the recurrence fields from the chosen preset (the rules quoted in the seeds).
(function () {
  const select = document.getElementById("id_preset");
  if (!select) return;
  const presets = JSON.parse(select.dataset.presets);
  const lists = {weekdays: "byweekday", ordinals: "weekday_ordinals", months: "bymonth"};
  select.addEventListener("change", function () {
    const preset = presets[select.value];
    if (!preset) return;
    document.getElementById("id_freq").value = preset.freq;
    document.getElementById("id_interval").value = preset.interval;
    document.getElementById("id_monthdays").value = preset.bymonthday;
    document.getElementById("id_start_time").value = preset.start_time;
    document.getElementById("id_end_time").value = preset.end_time;
    for (const [field, key] of Object.entries(lists)) {
      const values = preset[key] ? preset[key].split(",") : [];
      document.querySelectorAll(`input[name="${field}"]`).forEach(function (box) {
        box.checked = values.includes(box.value);
      });
    }
    const title = document.getElementById("id_title");
    if (!title.value) title.value = select.options[select.selectedIndex].text;
  });
})();
