/* The ARIA 1.2 combobox the site's suggestion boxes share (the header's search box: search_suggest.js; the CPV
   picker: procurement/cpv_picker.js): a text input, a listbox of suggestions fetched as one types (JSON from
   `url?q=`, debounced, the previous request aborted), a status region saying how many there are.

   Keyboard: Down/Up move through the suggestions (and open the list), Enter chooses the one highlighted (with
   none highlighted it does what the input does without JavaScript: submit its form, unless `onEnter` says
   otherwise), Escape closes the list, then empties the box; Tab and leaving the box close it.

   window.Combobox.attach(input, {
     url, listboxId, listboxClass, listboxLabel,
     delay: milliseconds after the last keystroke (250),
     fill(option, result): fills an <li role="option"> from one result of the JSON's `results`,
     choose(option, position): what choosing does (follow a link, fill a field...),
     countText(count): what the status region says once suggestions arrive,
     onEnter(event): Enter with no suggestion highlighted (optional),
     whenFocused: open the list only if the box still has the focus when the answer comes (false)
   }) → { status, input, reset(), close(), options() }.
   Without JavaScript the input is a plain field: nothing here is needed to use the form. */
(function () {
  "use strict";

  function attach(input, config) {
    var listbox = document.createElement("ul");
    listbox.id = config.listboxId;
    listbox.className = config.listboxClass;
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", config.listboxLabel);
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

    function reset() {
      options = [];
      listbox.textContent = "";
      lastQuery = input.value.trim();
      close();
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
      if (options[position]) { config.choose(options[position], position); }
    }

    function render(results) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        config.fill(option, result);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
        option.addEventListener("click", function () { choose(i); });
        listbox.appendChild(option);
        return option;
      });
      status.textContent = config.countText(options.length);
      active = -1;
      if (!config.whenFocused || document.activeElement === input) { open(); }
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { options = []; listbox.textContent = ""; status.textContent = ""; close(); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(config.url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) { render(data.results || []); } })
        .catch(function () { /* offline or aborted: the plain field still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, config.delay || 250);
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
            choose(active);
          } else if (config.onEnter) {
            config.onEnter(event);
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

    return {
      input: input,
      status: status,
      close: close,
      reset: reset,
      options: function () { return options; }
    };
  }

  window.Combobox = { attach: attach };
})();
