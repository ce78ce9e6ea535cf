/* Marchés & Partage: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("has-js");

  /* Small screens: the header menu folds behind a button (open with Enter or Space, close with Escape). */
  function setUpMenuToggle() {
    var toggle = document.querySelector(".menu-toggle");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    toggle.hidden = false;

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  /* Choosing a language sends the form at once; its hint tells screen-reader users the page reloads. */
  function setUpLanguageSwitcher() {
    var forms = document.querySelectorAll("form[data-autosubmit]");
    Array.prototype.forEach.call(forms, function (form) {
      var select = form.querySelector("select");
      if (!select) return;
      select.addEventListener("change", function () {
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit();
        } else {
          form.submit();
        }
      });
    });
  }

  /* The bell's counter follows the server through a WebSocket; it reconnects with a growing delay
     and stays quiet when the socket is unavailable (the link and its count still work). */
  function setUpNotificationSocket() {
    var bell = document.querySelector("[data-notifications-socket]");
    if (!bell || typeof window.WebSocket !== "function") return;
    var counter = bell.querySelector("[data-unread-count]");
    var live = document.querySelector("[data-unread-live]");
    if (!counter) return;

    var path = bell.getAttribute("data-notifications-socket");
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + path;
    var delay = 1000;
    var maxDelay = 60000;
    var timer = null;
    var stopped = false;

    function show(unread) {
      var value = parseInt(unread, 10);
      if (isNaN(value) || value < 0) return;
      var previous = counter.textContent.trim();
      counter.textContent = String(value);
      counter.classList.toggle("is-zero", value === 0);
      if (live && previous !== String(value)) {
        live.textContent = (live.getAttribute("data-label") || "") + " " + value;
      }
    }

    function scheduleReconnect() {
      if (stopped || timer !== null) return;
      // Up to 50% jitter so that many pages do not reconnect at the same moment after a restart.
      var wait = delay + Math.floor(Math.random() * delay * 0.5);
      delay = Math.min(delay * 2, maxDelay);
      timer = window.setTimeout(function () {
        timer = null;
        connect();
      }, wait);
    }

    function connect() {
      var socket;
      try {
        socket = new window.WebSocket(url);
      } catch (error) {
        scheduleReconnect();
        return;
      }
      socket.addEventListener("open", function () {
        delay = 1000;
      });
      socket.addEventListener("message", function (event) {
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (data && data.type === "notification.count") show(data.unread);
      });
      socket.addEventListener("error", function () {
        /* "close" follows and schedules the retry. */
      });
      socket.addEventListener("close", function (event) {
        // 4401: not logged in any more; retrying would not help.
        if (event.code === 4401) {
          stopped = true;
          return;
        }
        scheduleReconnect();
      });
    }

    window.addEventListener("pagehide", function () {
      stopped = true;
    });
    connect();
  }

  function start() {
    setUpMenuToggle();
    setUpLanguageSwitcher();
    setUpNotificationSocket();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
