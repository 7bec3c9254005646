// Behaviour that used to be inline handlers (onchange=, onsubmit=, onclick=): the Content
// Security Policy allows scripts from static files only, so pages mark elements with data-*
// attributes and this file wires them up.
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the language switch).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });

  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-print], [data-back], [data-select-on-click]") : null;
    if (!el) return;
    if (el.hasAttribute("data-print")) {
      window.print();
    } else if (el.hasAttribute("data-back")) {
      event.preventDefault();
      window.history.back();
    } else if (el.hasAttribute("data-select-on-click")) {
      el.select();
    }
  });
})();
