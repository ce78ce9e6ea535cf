// Mention autocomplete on the forum editor: type @ and two letters, choose a person in the list.
// A listbox popup driven from the textarea (aria-activedescendant, arrows, Enter, Escape).
// Without JavaScript, people type the token @[Name](#mention-N) themselves (the help text says so).
(function () {
  "use strict";

  var counter = 0;
  var TRIGGER = /(^|[\s(>])@([^\s@\[\]()#]{2,40}(?: [^\s@\[\]()#]{0,40})?)$/;

  function setup(textarea) {
    var url = textarea.getAttribute("data-mentions");
    if (!url) { return; }
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    // The list's name comes from the page (translated); otherwise from the field's own label.
    var fieldLabel = textarea.id ? document.querySelector("label[for='" + textarea.id + "']") : null;
    if (textarea.getAttribute("data-mentions-label")) {
      list.setAttribute("aria-label", textarea.getAttribute("data-mentions-label"));
    } else if (fieldLabel) {
      fieldLabel.id = fieldLabel.id || textarea.id + "-label";
      list.setAttribute("aria-labelledby", fieldLabel.id);
    }
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    // A textarea keeps its own (multi-line textbox) role: ARIA in HTML allows no combobox role on it, and
    // aria-expanded belongs to the combobox role. The textbox role has aria-autocomplete, aria-haspopup and
    // aria-activedescendant; the status region says how many people the list offers.
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-haspopup", "listbox");
    textarea.setAttribute("aria-controls", listId);

    var results = [];
    var active = -1;
    var match = null;
    var timer = null;
    var lastQuery = "";

    function close() {
      list.hidden = true;
      list.textContent = "";
      results = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && options[index]) {
        textarea.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        textarea.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var person = results[index];
      if (!person || !match) { return; }
      var caret = textarea.selectionStart;
      var start = caret - match.length;
      var before = textarea.value.slice(0, start);
      var after = textarea.value.slice(caret);
      var insert = person.token + " ";
      textarea.value = before + insert + after;
      var position = before.length + insert.length;
      textarea.setSelectionRange(position, position);
      close();
      status.textContent = person.name;
      textarea.focus();
    }

    function show(people) {
      list.textContent = "";
      results = people;
      if (!people.length) {
        close();
        status.textContent = list.getAttribute("data-empty") || "";
        return;
      }
      people.forEach(function (person, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = person.name;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      highlight(0);
      status.textContent = people.length + " ↓↑";
    }

    function lookup() {
      var text = textarea.value.slice(0, textarea.selectionStart);
      var found = TRIGGER.exec(text);
      if (!found) { match = null; close(); return; }
      match = "@" + found[2];
      var query = found[2];
      if (query === lastQuery && !list.hidden) { return; }
      lastQuery = query;
      var separator = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + separator + "q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (query === lastQuery) { show(data.results || []); }
        })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 200);
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !results.length) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter") {
        if (active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });
    textarea.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function init() {
    var editors = document.querySelectorAll("textarea[data-mentions]");
    for (var i = 0; i < editors.length; i += 1) { setup(editors[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
