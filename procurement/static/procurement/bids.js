/*
 * The bid page: when a file has been received (uploads/resumable.js fires "resumable:done"), the list of the
 * bid's files is fetched again from the server (data-files-url) and replaces #bid-files, and the file input is
 * cleared for the next file. The status line keeps saying what happened (aria-live).
 * The confirmation page: a form whose button is marked data-submit-once is sent once, a second press (a double
 * click, an impatient Enter) does nothing while the first is on its way (the server would give the same receipt
 * anyway); the button says so with aria-disabled. Back on the page from the history, it works again.
 */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-files-url]"), function (root) {
    root.addEventListener("resumable:done", function () {
      var input = root.querySelector("[data-resumable-file]");
      fetch(root.dataset.filesUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          var list = document.getElementById("bid-files");
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#bid-files");
          if (list && fresh) {
            list.replaceWith(fresh);
          }
          if (input) {
            input.value = "";
          }
        })
        .catch(function () {
          window.location.reload();
        });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-submit-once]"), function (button) {
    var form = button.form;
    if (!form) {
      return;
    }
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      button.setAttribute("aria-disabled", "true");
    });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) {
        return;
      }
      delete form.dataset.submitting;
      button.removeAttribute("aria-disabled");
    });
  });
})();
