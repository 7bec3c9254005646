// The reply form's canned replies (CSP: no inline script): picking one puts its text into the
// reply and ticks its usual outcome; the text can then be edited.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-canned-for]")) return;
    var option = select.options[select.selectedIndex];
    var form = select.form;
    if (!option || !form || !option.hasAttribute("data-body")) return;
    var body = form.querySelector("[name=" + select.getAttribute("data-canned-for") + "]");
    if (body) {
      body.value = option.getAttribute("data-body");
      body.focus();
    }
    var outcome = option.getAttribute("data-outcome");
    if (outcome) {
      var radio = form.querySelector("input[name=outcome][value='" + outcome + "']");
      if (radio) radio.checked = true;
    }
  });
})();
