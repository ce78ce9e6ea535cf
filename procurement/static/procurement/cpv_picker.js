/* CPV picker: turns the list page's CPV text input into an ARIA 1.2 combobox with suggestions from
   /avis/cpv/?q=. Without JavaScript the plain text input works (codes typed by hand). */
(function () {
  "use strict";

  function setup(container, index) {
    var input = container.querySelector("input[data-cpv-picker]");
    var url = container.getAttribute("data-cpv-url");
    if (!input || !url || !window.fetch) { return; }

    var listbox = document.createElement("ul");
    listbox.id = "cpv-listbox-" + index;
    listbox.className = "cpv-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", container.getAttribute("data-listbox-label") || "CPV codes");
    listbox.hidden = true;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);

    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";
    var controller = null;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options.length) { close(); return; }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(position) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === position ? "true" : "false");
      });
      active = position;
      if (position >= 0) {
        input.setAttribute("aria-activedescendant", options[position].id);
        options[position].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(position) {
      var option = options[position];
      if (!option) { return; }
      input.value = option.getAttribute("data-code");
      lastQuery = input.value;
      close();
      status.textContent = option.textContent;
    }

    function render(results) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-code", result.code);
        var code = document.createElement("span");
        code.className = "cpv-option-code";
        code.textContent = result.code;
        option.appendChild(code);
        option.appendChild(document.createTextNode(" " + result.label));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); input.focus(); });
        listbox.appendChild(option);
        return option;
      });
      var template = container.getAttribute("data-count-template") || "%s suggestions";
      status.textContent = template.replace("%s", String(options.length));
      active = -1;
      open();
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { options = []; listbox.textContent = ""; close(); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) { render(data.results || []); } })
        .catch(function () { /* offline or aborted: the plain input still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) { open(); }
          if (options.length) { highlight(active < options.length - 1 ? active + 1 : 0); }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded) { open(); }
          if (options.length) { highlight(active > 0 ? active - 1 : options.length - 1); }
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();  // choose the suggestion; the next Enter submits the filters
            choose(active);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            lastQuery = "";
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  function init() {
    var containers = document.querySelectorAll(".cpv-picker[data-cpv-url]");
    Array.prototype.forEach.call(containers, setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
