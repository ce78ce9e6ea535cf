/* CPV picker: turns a CPV text input into an ARIA 1.2 combobox with suggestions from the JSON endpoint
   (/avis/cpv/?q=). Used by the list page's filters and by the notice form of the Wagtail admin.

   Markup: a container `.cpv-picker[data-cpv-url]` around an `input[data-cpv-picker]`, with optional
   data-listbox-label, data-count-template ("%s suggestions") and:
   - data-cpv-append="#id_of_a_field": the chosen code is appended to that field (", CODE") instead of
     replacing the input's text, which is then emptied for the next search (several codes in one field);
     data-added-template / data-present-template ("%s") announce it. Such a container is sent `hidden`,
     as its input has no name and serves nothing without JavaScript: it is shown here.
   - an element [data-cpv-hint], sent `hidden` (it speaks of suggestions): shown and tied to the input.
   Containers added later (a lot added to the admin form) are set up as they appear.
   Without JavaScript the plain text inputs work (codes typed by hand). */
(function () {
  "use strict";

  var counter = 0;

  function announce(template, fallback, value) {
    return (template || fallback).replace("%s", value);
  }

  function setup(container) {
    if (container.hasAttribute("data-cpv-ready")) { return; }
    var input = container.querySelector("input[data-cpv-picker]");
    var url = container.getAttribute("data-cpv-url");
    if (!input || !url || !window.fetch) { return; }
    var appendSelector = container.getAttribute("data-cpv-append");
    var appendTarget = appendSelector ? document.querySelector(appendSelector) : null;
    if (appendSelector && !appendTarget) { return; }
    container.setAttribute("data-cpv-ready", "");

    var listbox = document.createElement("ul");
    listbox.id = "cpv-listbox-" + counter++;
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

    var hint = container.querySelector("[data-cpv-hint]");
    if (hint && hint.id) {
      hint.hidden = false;
      var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (described.indexOf(hint.id) === -1) { described.push(hint.id); }
      input.setAttribute("aria-describedby", described.join(" "));
    }
    if (appendTarget) { container.hidden = false; }

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

    function changed(field) {
      // Programmatic values fire no event: tell listeners (the admin's unsaved-changes warning).
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function appendCode(code) {
      var codes = appendTarget.value.split(/[\s,;]+/).filter(Boolean);
      if (codes.indexOf(code) !== -1) { return false; }
      var kept = appendTarget.value.replace(/[\s,;]+$/, "");
      appendTarget.value = kept ? kept + ", " + code : code;
      changed(appendTarget);
      return true;
    }

    function choose(position) {
      var option = options[position];
      if (!option) { return; }
      var code = option.getAttribute("data-code");
      if (appendTarget) {
        var added = appendCode(code);
        input.value = "";
        lastQuery = "";
        options = [];
        listbox.textContent = "";
        close();
        status.textContent = added
          ? announce(container.getAttribute("data-added-template"), "%s added", option.textContent)
          : announce(container.getAttribute("data-present-template"), "%s is already listed", option.textContent);
        return;
      }
      input.value = code;
      lastQuery = input.value;
      close();
      changed(input);
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
      status.textContent = announce(container.getAttribute("data-count-template"), "%s suggestions",
        String(options.length));
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
            event.preventDefault();  // choose the suggestion; the next Enter submits the form
            choose(active);
          } else if (appendTarget) {
            event.preventDefault();  // a search box, not a field of the form: Enter does not submit it
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

  var SELECTOR = ".cpv-picker[data-cpv-url]";

  function setupWithin(root) {
    if (root.matches && root.matches(SELECTOR)) { setup(root); }
    if (root.querySelectorAll) { Array.prototype.forEach.call(root.querySelectorAll(SELECTOR), setup); }
  }

  function init() {
    setupWithin(document);
    // Forms added later (the admin's inline lots, cloned from a <template>) bring their own pickers.
    if (window.MutationObserver && document.body) {
      new MutationObserver(function (mutations) {
        mutations.forEach(function (mutation) {
          Array.prototype.forEach.call(mutation.addedNodes, function (node) {
            if (node.nodeType === 1 && node.tagName !== "LI") { setupWithin(node); }  // not our options
          });
        });
      }).observe(document.body, { childList: true, subtree: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
