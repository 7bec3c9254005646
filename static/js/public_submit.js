// The public submission form: hide the identity fields for an anonymous submission, and
// disable the button after the first click (the idempotency key already makes a second
// click harmless; this only saves a useless request).
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  var anonymous = document.getElementById("id_is_anonymous");
  var identity = document.getElementById("identity-fields");
  if (!form || !anonymous || !identity) return;
  function sync() { identity.hidden = anonymous.checked; }
  anonymous.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", function () {
    setTimeout(function () { document.getElementById("submit-button").disabled = true; }, 0);
  });
})();
