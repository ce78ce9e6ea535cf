/* CPV picker: turns a CPV text input into an ARIA 1.2 combobox (intranet/js/combobox.js, loaded before) with
   suggestions from the JSON endpoint (/avis/cpv/?q=). Used by the list page's filters and by the notice form of
   the Wagtail admin.

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
    if (!input || !url || !window.fetch || !window.Combobox) { return; }
    var appendSelector = container.getAttribute("data-cpv-append");
    var appendTarget = appendSelector ? document.querySelector(appendSelector) : null;
    if (appendSelector && !appendTarget) { return; }
    container.setAttribute("data-cpv-ready", "");

    var hint = container.querySelector("[data-cpv-hint]");
    if (hint && hint.id) {
      hint.hidden = false;
      var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (described.indexOf(hint.id) === -1) { described.push(hint.id); }
      input.setAttribute("aria-describedby", described.join(" "));
    }
    if (appendTarget) { container.hidden = false; }

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

    var box = window.Combobox.attach(input, {
      url: url,
      listboxId: "cpv-listbox-" + counter++,
      listboxClass: "cpv-listbox",
      listboxLabel: container.getAttribute("data-listbox-label") || "CPV codes",
      delay: 200,
      fill: function (option, result) {
        option.setAttribute("data-code", result.code);
        var code = document.createElement("span");
        code.className = "cpv-option-code";
        code.textContent = result.code;
        option.appendChild(code);
        option.appendChild(document.createTextNode(" " + result.label));
      },
      choose: function (option) {
        var code = option.getAttribute("data-code");
        if (appendTarget) {
          var added = appendCode(code);
          input.value = "";
          box.reset();
          box.status.textContent = added
            ? announce(container.getAttribute("data-added-template"), "%s added", option.textContent)
            : announce(container.getAttribute("data-present-template"), "%s is already listed", option.textContent);
        } else {
          input.value = code;
          box.reset();
          changed(input);
          box.status.textContent = option.textContent;
        }
        input.focus();
      },
      countText: function (count) {
        return announce(container.getAttribute("data-count-template"), "%s suggestions", String(count));
      },
      onEnter: function (event) {
        // The search box beside a list of codes is no field of the form: Enter does not submit it. In a plain
        // field, with no suggestion chosen, Enter submits the form (after choosing, the next Enter does).
        if (appendTarget) { event.preventDefault(); }
      }
    });
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
