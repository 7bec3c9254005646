// Reception entry (CSP: no inline script). Loaded by the reception form and reception page.
(function () {
  "use strict";

  // <input data-filter-checkboxes="id_deputies">: hide the tick boxes whose name or pinyin does
  // not contain what is typed (ticked ones stay visible so nothing is ticked unseen).
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-filter-checkboxes]")) return;
    var list = document.getElementById(box.getAttribute("data-filter-checkboxes"));
    if (!list) return;
    var query = box.value.trim().toLowerCase().replace(/\s+/g, "");
    list.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      var text = (input.getAttribute("data-search") || "").toLowerCase();
      var show = !query || input.checked || text.replace(/\s+/g, " ").split(" ").some(function (word) {
        return word.indexOf(query) !== -1;
      }) || text.replace(/\s+/g, "").indexOf(query) !== -1;
      var row = input.closest(".form-check") || input.parentElement;
      row.hidden = !show;
    });
  });

  // After an opinion is saved the form comes back empty: the cursor goes to its first field,
  // or to the first field with an error when it was refused.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var form = event.target;
    if (!form || form.id !== "opinion-form") return;
    var field = form.hasAttribute("data-saved")
      ? form.querySelector("input:not([type=hidden]), textarea, select")
      : form.querySelector(".is-invalid");
    if (field) field.focus();
  });
})();
