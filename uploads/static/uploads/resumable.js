/*
 * Resumable upload of a form's file through the tus server of the uploads app, with tus-js-client
 * (vendor/tus.min.js, loaded before this script). For each element marked data-resumable-upload:
 *
 *   <div data-resumable-upload data-endpoint="/televersements/<purpose>/"
 *        data-text-progress="{percent} % envoyés" data-text-paused="En pause à {percent} %"
 *        data-text-done="Fichier reçu." data-text-error="Échec de l’envoi : {message}"
 *        data-text-retrying="Connexion perdue, nouvel essai…">
 *     <input type="file" data-resumable-file>
 *     <input type="hidden" name="upload" data-resumable-result>   (receives the upload's address)
 *     <progress max="100" value="0" data-resumable-progress hidden></progress>
 *     <p aria-live="polite" data-resumable-status></p>
 *     <button type="button" data-resumable-pause hidden>Pause</button>
 *     <button type="button" data-resumable-resume hidden>Reprendre</button>
 *   </div>
 *
 * - choosing a file starts its upload in chunks (data-chunk-size bytes, 5 MB by default: under the server's
 *   UPLOADS_MAX_CHUNK_BYTES), sending the CSRF token of the page's form in the X-CSRFToken header;
 * - progress goes to the <progress> bar, and in words to the aria-live status at most every 10 %;
 * - pause aborts the current request; resume continues from the offset the server reports (HEAD);
 * - a dropped connection is retried after 1, 3, 5, 10 and 20 s, then the person may press resume;
 * - the same file chosen again (even after closing the page) continues the previous upload instead of
 *   starting over (tus-js-client's fingerprint in localStorage, removed once the upload is complete);
 * - fields marked data-resumable-meta="key" inside the container add key: value to the upload's description
 *   (Upload-Metadata), read when the upload starts;
 * - a file larger than data-max-size (bytes) is refused before anything is sent, with data-text-too-large;
 * - when the upload is complete, the upload's address goes into the data-resumable-result input and the
 *   container gets a "resumable:done" event (detail: {url, file}); the form's own submit sends it.
 * The texts come from the container's data-text-* attributes (translated by the page), {percent} and {message}
 * replaced. No inline script, nothing loaded from elsewhere.
 */
(function () {
  "use strict";

  if (!window.tus || !window.tus.isSupported) {
    return; // the page keeps its plain file input
  }
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";

  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function setup(root) {
    var input = root.querySelector("[data-resumable-file]");
    var result = root.querySelector("[data-resumable-result]");
    var bar = root.querySelector("[data-resumable-progress]");
    var status = root.querySelector("[data-resumable-status]");
    var pauseButton = root.querySelector("[data-resumable-pause]");
    var resumeButton = root.querySelector("[data-resumable-resume]");
    var T = root.dataset;
    var upload = null;
    var percent = 0;
    var announced = -1;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function buttons(running) {
      if (pauseButton) {
        pauseButton.hidden = !running;
      }
      if (resumeButton) {
        resumeButton.hidden = running || !upload;
      }
    }

    // The upload's description: the file's name and type, plus every [data-resumable-meta] field of the
    // container (name -> value), read when the upload starts (a select of the lot, of the part...).
    function metadataFor(file) {
      var metadata = { filename: file.name, filetype: file.type || "application/octet-stream" };
      Array.prototype.forEach.call(root.querySelectorAll("[data-resumable-meta]"), function (field) {
        metadata[field.dataset.resumableMeta || field.name] = field.value;
      });
      return metadata;
    }

    function start(file) {
      if (upload) {
        upload.abort();
      }
      if (result) {
        result.value = "";
      }
      percent = 0;
      announced = -1;
      upload = new window.tus.Upload(file, {
        endpoint: T.endpoint,
        chunkSize: Number(T.chunkSize) || 5 * 1024 * 1024,
        retryDelays: [1000, 3000, 5000, 10000, 20000],
        headers: { "X-CSRFToken": csrf },
        metadata: metadataFor(file),
        // The same file sent again for another lot or part is another upload: the description is in the key.
        fingerprint: function (file, options) {
          var key = [file.name, file.type, file.size, file.lastModified, options.endpoint, JSON.stringify(options.metadata)];
          return Promise.resolve("tus-" + key.join("-"));
        },
        removeFingerprintOnSuccess: true,
        onProgress: function (sent, total) {
          percent = total ? Math.floor((sent / total) * 100) : 100;
          if (bar) {
            bar.hidden = false;
            bar.value = percent;
          }
          if (percent >= announced + 10 || percent === 100) {
            announced = percent;
            say(fill(T.textProgress, { percent: percent }));
          }
        },
        onShouldRetry: function (error, attempt, options) {
          var response = error.originalResponse;
          var code = response ? response.getStatus() : 0;
          if (code === 0 || code === 409 || code === 423 || code >= 500) {
            say(T.textRetrying || "");
            return true;
          }
          return false; // a refusal (403, 413, 415...) stays a refusal
        },
        onError: function (error) {
          var response = error.originalResponse;
          var message = response && response.getBody() ? response.getBody() : error.message;
          say(fill(T.textError, { message: message }));
          buttons(false);
        },
        onSuccess: function () {
          if (result) {
            result.value = upload.url;
          }
          say(T.textDone || "");
          buttons(false);
          if (resumeButton) {
            resumeButton.hidden = true;
          }
          root.dispatchEvent(new CustomEvent("resumable:done", { bubbles: true, detail: { url: upload.url, file: file } }));
        },
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
        }
        upload.start();
        buttons(true);
      });
    }

    input.addEventListener("change", function () {
      if (input.files && input.files[0]) {
        var file = input.files[0];
        var limit = Number(T.maxSize) || 0;
        if (file.size === 0 && T.textEmpty) {
          say(T.textEmpty);
          return;
        }
        if (limit && file.size > limit) {
          say(fill(T.textTooLarge, { name: file.name }));
          return;
        }
        start(file);
      }
    });
    if (pauseButton) {
      pauseButton.addEventListener("click", function () {
        upload.abort();
        say(fill(T.textPaused, { percent: percent }));
        buttons(false);
        resumeButton && resumeButton.focus();
      });
    }
    if (resumeButton) {
      resumeButton.addEventListener("click", function () {
        upload.start();
        buttons(true);
        pauseButton && pauseButton.focus();
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-resumable-upload]"), setup);
})();
