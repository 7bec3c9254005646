// Type-ahead fields (core/widgets.py): ask the field's JSON endpoint as the user types and put
// the chosen row's id in the hidden input. No inline script: wired by data attributes (CSP).
(function () {
  "use strict";

  function setup(box) {
    var url = box.getAttribute("data-typeahead");
    var hidden = box.querySelector("[data-typeahead-value]");
    var input = box.querySelector("[data-typeahead-input]");
    var menu = box.querySelector("[data-typeahead-menu]");
    var timer = null;
    var asked = 0;

    function close() {
      menu.classList.add("d-none");
      input.setAttribute("aria-expanded", "false");
    }

    function show(results) {
      menu.textContent = "";
      results.forEach(function (row) {
        var item = document.createElement("button");
        item.type = "button";
        item.className = "list-group-item list-group-item-action py-1";
        item.setAttribute("role", "option");
        item.textContent = row.text;
        if (row.hint) {
          var hint = document.createElement("small");
          hint.className = "text-muted ms-2";
          hint.textContent = row.hint;
          item.appendChild(hint);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          hidden.value = row.id;
          input.value = row.text;
          close();
        });
        menu.appendChild(item);
      });
      menu.classList.toggle("d-none", results.length === 0);
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }

    function ask() {
      var text = input.value.trim();
      if (!text) {
        show([]);
        return;
      }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (r) {
          return r.ok ? r.json() : { results: [] };
        })
        .then(function (data) {
          if (mine === asked) show(data.results || []);
        })
        .catch(function () {
          show([]);
        });
    }

    input.addEventListener("input", function () {
      // Typing changes the choice: the old id no longer matches the text.
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
      if (event.key === "Enter" && !menu.classList.contains("d-none")) {
        var first = menu.querySelector("button");
        if (first) {
          event.preventDefault();
          first.dispatchEvent(new MouseEvent("mousedown"));
        }
      }
    });
  }

  document.querySelectorAll("[data-typeahead]").forEach(setup);
})();
