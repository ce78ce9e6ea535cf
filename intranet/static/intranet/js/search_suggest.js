/* Search suggestions: the header's search box becomes an ARIA 1.2 combobox listing titles that start with the
   words typed (JSON from the input's data-suggest-url, ?q=), debounced; each suggestion is a link to its page.
   Arrow keys move through the suggestions, Enter opens the one chosen (or, with none chosen, submits the search
   as without JavaScript), Escape closes the list then empties the box. A status region says how many
   suggestions there are (data-count-template, "%s suggestions"). Without JavaScript the box is a plain search
   form. */
(function () {
  "use strict";

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    if (!url || !window.fetch || input.hasAttribute("data-suggest-ready")) { return; }
    input.setAttribute("data-suggest-ready", "");

    var listbox = document.createElement("ul");
    listbox.id = input.id + "-suggestions";
    listbox.className = "search-suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.getAttribute("data-listbox-label") || "Suggestions");
    listbox.hidden = true;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");
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

    function go(position) {
      var option = options[position];
      if (option) { window.location.assign(option.getAttribute("data-url")); }
    }

    function render(results) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", result.url);
        var title = document.createElement("span");
        title.className = "suggestion-title";
        title.textContent = result.title;
        var kind = document.createElement("span");
        kind.className = "suggestion-type";
        kind.textContent = result.type;
        option.appendChild(title);
        option.appendChild(document.createTextNode(" "));
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { go(i); });
        listbox.appendChild(option);
        return option;
      });
      status.textContent = options.length === 1
        ? (input.getAttribute("data-count-one") || "one suggestion")
        : (input.getAttribute("data-count-template") || "%s suggestions").replace("%s", String(options.length));
      active = -1;
      if (document.activeElement === input) { open(); }  // not when the answer comes after the box was left
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { options = []; listbox.textContent = ""; status.textContent = ""; close(); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) { render(data.results || []); } })
        .catch(function () { /* offline or aborted: the plain search still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
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
            event.preventDefault();
            go(active);
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

    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
