/* Search suggestions: the header's search box (and the forums' one) becomes an ARIA 1.2 combobox
   (intranet/js/combobox.js, loaded before) listing titles that start with the words typed (JSON from the input's
   data-suggest-url); each suggestion is a link to its page: Enter or a click opens it, Enter with none chosen
   submits the search as without JavaScript. The status region says how many suggestions there are
   (data-count-one, data-count-template "%s suggestions"). Without JavaScript the box is a plain search form. */
(function () {
  "use strict";

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    if (!url || !window.fetch || !window.Combobox || input.hasAttribute("data-suggest-ready")) { return; }
    input.setAttribute("data-suggest-ready", "");
    input.setAttribute("autocomplete", "off");

    window.Combobox.attach(input, {
      url: url,
      listboxId: input.id + "-suggestions",
      listboxClass: "search-suggestions",
      listboxLabel: input.getAttribute("data-listbox-label") || "Suggestions",
      delay: 250,
      whenFocused: true,  // not when the answer comes after the box was left
      fill: function (option, result) {
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
      },
      choose: function (option) { window.location.assign(option.getAttribute("data-url")); },
      countText: function (count) {
        return count === 1
          ? (input.getAttribute("data-count-one") || "one suggestion")
          : (input.getAttribute("data-count-template") || "%s suggestions").replace("%s", String(count));
      }
    });
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
