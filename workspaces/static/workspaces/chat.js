/*
 * Live chat for the channel, direct conversation and thread pages (workspaces/chat_channel.html,
 * chat_thread.html). Without this script those pages work with their plain forms; with it:
 *
 * - a WebSocket to ws/espaces/canal/<id>/ shows new messages, edits, deletions, reactions and pins live;
 * - the highest message id received (seq) is kept: a gap (an id past the last one plus one) asks the server
 *   for the missing messages (`catch_up`); a dropped connection reconnects with exponential backoff and
 *   `?after=<last id>`, so nothing is lost;
 * - a message sent gets a client key and stays "pending" until the server's `ack`; pending messages are sent
 *   again after a reconnect (the server stores a key once);
 * - edit, delete, react, reply, threads and pins in the page; typing indicator; who is online;
 * - older messages load backwards by 50 through the history endpoint;
 * - new messages from others are announced politely (aria-live), one short announcement per message;
 *   focus is never moved except by the person's own action; Enter sends, Shift+Enter starts a new line.
 *
 * No framework, no inline script (strict CSP): configuration comes from the data- attributes of #chat, the
 * texts from #chat-strings. Message HTML comes from the server, sanitized on write.
 */
(function () {
  "use strict";

  var root = document.getElementById("chat");
  var stringsEl = document.getElementById("chat-strings");
  if (!root || !stringsEl || !("WebSocket" in window) || !window.fetch) {
    return;
  }
  var S = stringsEl.dataset;
  var cfg = root.dataset;
  var lang = document.documentElement.lang || "fr";
  var userId = Number(cfg.user);
  var threadSeq = cfg.thread ? Number(cfg.thread) : null; // on a thread page
  var canPost = cfg.canPost === "1";
  var canPin = cfg.canPin === "1";
  var canModerate = cfg.canModerate === "1";
  var emojis = (cfg.reactions || "").split(" ").filter(Boolean);
  var list = document.getElementById("chat-messages");
  var scroller = document.getElementById("chat-scroll"); // the channel page's scrolling region
  var announcer = document.getElementById("chat-announcer");
  var typingEl = document.getElementById("chat-typing");
  var statusEl = document.getElementById("chat-status");
  var onlineEl = document.getElementById("chat-online");
  var panel = document.getElementById("chat-thread-panel");
  var composer = root.querySelector("[data-chat-composer]");
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var dateFormat;
  try {
    // The site's time zone, as the server-rendered messages show it.
    dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short", timeZone: cfg.timeZone || undefined });
  } catch (error) {
    dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });
  }

  var lastSeq = Number(cfg.lastSeq) || 0; // every message up to this id has been received (or shown)
  var ahead = new Set(); // ids received past a gap
  var gapTimer = null;
  var GAP_WAIT_MS = 700;
  var firstSeq = cfg.firstSeq ? Number(cfg.firstSeq) : null; // the oldest shown (for "older messages")
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var catchingUp = false;
  var stopped = false;
  var pending = new Map(); // client key -> {frame, el, failed}
  var known = new Map(); // seq -> last message dict received
  var typers = new Map(); // user id -> {name, timer}
  var lastTypingSent = 0;
  var readTimer = null;
  var openThread = null; // seq of the thread shown in the panel

  // Helpers ------------------------------------------------------------------------------------------

  function fmt(text) {
    var args = Array.prototype.slice.call(arguments, 1);
    var i = 0;
    return String(text).replace(/%[sd]/g, function () {
      return i < args.length ? String(args[i++]) : "";
    });
  }

  function pluralText(count, one, other) {
    var form = plural ? plural.select(count) : count === 1 ? "one" : "other";
    return fmt(form === "one" ? one : other, count);
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) {
          return;
        }
        if (key === "text") {
          node.textContent = value;
        } else if (key === "className") {
          node.className = value;
        } else {
          node.setAttribute(key, value === true ? "" : String(value));
        }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function hidden(text) {
    return el("span", { className: "visually-hidden", text: text });
  }

  function messageLink(seq) {
    return cfg.messageBase.replace(/0\/$/, seq + "/");
  }

  function threadLink(seq) {
    return cfg.threadBase.replace(/0\/$/, seq + "/");
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function excerpt(text, length) {
    text = (text || "").replace(/\s+/g, " ").trim();
    return text.length <= length ? text : text.slice(0, length - 1) + "…";
  }

  function fileSize(bytes) {
    var units = ["o", "Ko", "Mo", "Go"];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return new Intl.NumberFormat(lang, { maximumFractionDigits: unit ? 1 : 0 }).format(value) + "\u00a0" + units[unit];
  }

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function send(frame) {
    if (!isOpen()) {
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  var announceTimer = null;
  function announce(text) {
    // One short polite announcement; cleared first so that the same text is announced again.
    announcer.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      announcer.textContent = text;
    }, 50);
  }

  function setStatus(text) {
    if (statusEl) {
      statusEl.textContent = text;
    }
  }

  // Rendering (the same markup as chat_message.html) ------------------------------------------------------

  function renderReactions(m, name, canReact) {
    var items = m.reactions || [];
    function isMine(item) {
      return item.mine !== undefined ? item.mine : (item.users || []).indexOf(userId) >= 0;
    }
    function label(item) {
      return pluralText(item.count, fmt(S.reactionOne, item.emoji, "%d"), fmt(S.reactionOther, item.emoji, "%d"));
    }
    if (!canReact) {
      if (!items.length) {
        return null;
      }
      var shown = el("ul", { className: "chat-reaction-list chat-reactions", "aria-label": S.reactions });
      items.forEach(function (item) {
        shown.appendChild(
          el(
            "li",
            { className: "chat-reaction" },
            el("span", { "aria-hidden": "true", text: item.emoji + " " + item.count }),
            hidden(label(item))
          )
        );
      });
      return shown;
    }
    var form = el("form", {
      method: "post",
      action: messageLink(m.seq) + "reagir/",
      className: "chat-reactions",
      "data-chat-form": "react",
    });
    form.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
    if (items.length) {
      var ul = el("ul", { className: "chat-reaction-list", "aria-label": S.reactions });
      items.forEach(function (item) {
        ul.appendChild(
          el(
            "li",
            null,
            el(
              "button",
              {
                type: "submit",
                name: "emoji",
                value: item.emoji,
                className: "chat-reaction",
                "aria-pressed": isMine(item) ? "true" : "false",
                "aria-label": label(item),
              },
              item.emoji + " ",
              el("span", { className: "chat-reaction-count", text: String(item.count) })
            )
          )
        );
      });
      form.appendChild(ul);
    }
    var picker = el("ul", { className: "chat-reaction-list" });
    emojis.forEach(function (emoji) {
      picker.appendChild(
        el("li", null, el("button", { type: "submit", name: "emoji", value: emoji, className: "chat-reaction", text: emoji }))
      );
    });
    form.appendChild(
      el(
        "details",
        { className: "chat-react-picker" },
        el("summary", null, S.addReaction, hidden(" " + fmt(S.ofMessage, name))),
        picker
      )
    );
    return form;
  }

  function toolButton(act, text, extra, href) {
    return el(
      "button",
      { type: "button", className: "chat-tool-button", "data-chat-act": act, "data-href": href || null },
      text,
      extra ? hidden(" " + extra) : null
    );
  }

  function renderMessage(m, prefix, inThread) {
    var mine = !!(m.author && m.author.id === userId);
    var name = m.author ? m.author.name : S.formerMember;
    var alive = !m.deleted;
    var canEdit = alive && mine && canPost;
    var canDelete = alive && (mine || canModerate);
    var li = el("li", {
      className:
        "chat-message" + (m.deleted ? " is-deleted" : "") + (mine ? " is-mine" : "") + (m.pinned ? " is-pinned" : ""),
      id: prefix + m.seq,
      "data-seq": m.seq,
      "data-thread-root": m.thread_root || null,
    });
    if (canEdit) {
      li.dataset.source = m.body || "";
    }
    var article = el("article", { className: "chat-message-inner", "aria-labelledby": prefix + m.seq + "-author" });
    var created = new Date(m.created_at);
    article.appendChild(
      el(
        "header",
        { className: "chat-message-header" },
        el("h3", { className: "chat-message-author", id: prefix + m.seq + "-author", text: name }),
        el(
          "a",
          { className: "chat-message-time", href: messageLink(m.seq) },
          el("time", { datetime: m.created_at, text: dateFormat.format(created) })
        ),
        m.edited ? el("span", { className: "chat-badge chat-edited", text: S.edited }) : null,
        m.pinned ? el("span", { className: "chat-badge chat-pinned", text: S.pinned }) : null
      )
    );
    if (m.reply_to) {
      var quoted = m.reply_to;
      article.appendChild(
        el(
          "blockquote",
          { className: "chat-quote" },
          el(
            "p",
            null,
            el("a", { href: messageLink(quoted.seq), text: fmt(S.inReplyTo, quoted.author || S.formerMember) }),
            " ",
            el("span", { className: "chat-quote-text", text: quoted.excerpt || S.quoteDeleted })
          )
        )
      );
    }
    if (m.deleted) {
      article.appendChild(el("p", { className: "chat-tombstone", text: S.deleted }));
    } else {
      var body = el("div", { className: "chat-message-body rich-text" });
      body.innerHTML = m.html; // sanitized by the server on write (intranet.text.render_markdown)
      article.appendChild(body);
      if (m.attachment) {
        article.appendChild(
          el(
            "p",
            { className: "chat-attachment" },
            S.attachment + " ",
            m.attachment.url ? el("a", { href: m.attachment.url, text: m.attachment.name }) : m.attachment.name,
            " (" + fileSize(m.attachment.size) + ")"
          )
        );
      }
    }
    var reactions = renderReactions(m, name, alive && canPost);
    if (reactions) {
      article.appendChild(reactions);
    }
    var tools = el("div", { className: "chat-message-tools" });
    if (!inThread && !m.thread_root) {
      if (m.thread_replies) {
        tools.appendChild(
          toolButton("thread", pluralText(m.thread_replies, S.repliesOne, S.repliesOther), fmt(S.ofMessage, name), threadLink(m.seq))
        );
      } else if (canPost && alive) {
        tools.appendChild(toolButton("thread", S.startThread, fmt(S.ofMessage, name), threadLink(m.seq)));
      }
    }
    if (canPost && alive) {
      tools.appendChild(toolButton("reply", S.reply, fmt(S.ofMessage, name)));
    }
    if (canEdit) {
      tools.appendChild(toolButton("edit", S.edit, S.yourMessage, messageLink(m.seq) + "modifier/"));
    }
    if (canDelete) {
      tools.appendChild(toolButton("delete", S.delete, fmt(S.ofMessage, name), messageLink(m.seq) + "supprimer/"));
    }
    if (canPin && alive) {
      var pinForm = el("form", {
        method: "post",
        action: messageLink(m.seq) + "epingler/",
        className: "chat-inline-form",
        "data-chat-form": "pin",
      });
      pinForm.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
      pinForm.appendChild(el("input", { type: "hidden", name: "pinned", value: m.pinned ? "0" : "1" }));
      pinForm.appendChild(
        el("button", { type: "submit", className: "chat-tool-button" }, m.pinned ? S.unpin : S.pin, hidden(" " + fmt(S.ofMessage, name)))
      );
      tools.appendChild(pinForm);
    }
    article.appendChild(tools);
    li.appendChild(article);
    return li;
  }

  function focusKey(node) {
    if (!node || !node.closest) {
      return null;
    }
    if (node.dataset && node.dataset.chatAct) {
      return '[data-chat-act="' + node.dataset.chatAct + '"]';
    }
    if (node.name === "emoji") {
      return 'button[name="emoji"][value="' + node.value + '"]';
    }
    if (node.closest("[data-chat-form=pin]")) {
      return "[data-chat-form=pin] button";
    }
    if (node.tagName === "SUMMARY") {
      return "summary";
    }
    return null;
  }

  function replaceKeepingFocus(old, fresh) {
    // An update re-renders a message: whoever had focus in it keeps it on the same control.
    var active = document.activeElement;
    var inside = active && old.contains(active);
    var key = inside ? focusKey(active) : null;
    var picker = old.querySelector("details[open]");
    if (old.querySelector("[data-chat-editor]")) {
      return; // being edited here: the editor stays; the update shows once it closes
    }
    old.replaceWith(fresh);
    if (picker && fresh.querySelector("details")) {
      fresh.querySelector("details").open = true;
    }
    if (inside) {
      var target = (key && fresh.querySelector(key)) || fresh.querySelector("button, a");
      if (target) {
        target.focus();
      }
    }
  }

  function nearBottom() {
    return !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function toBottom() {
    if (scroller) {
      scroller.scrollTop = scroller.scrollHeight;
    }
  }

  function insertSorted(container, node, seq) {
    var items = container.children;
    for (var i = items.length - 1; i >= 0; i--) {
      var itemSeq = Number(items[i].dataset.seq);
      if (itemSeq && itemSeq < seq) {
        container.insertBefore(node, items[i].nextSibling);
        return;
      }
    }
    container.insertBefore(node, container.firstChild);
  }

  function place(m) {
    // Show (or refresh) a message wherever it belongs on this page.
    [
      ["m-", false],
      ["tm-", true],
    ].forEach(function (pair) {
      var existing = document.getElementById(pair[0] + m.seq);
      if (existing) {
        replaceKeepingFocus(existing, renderMessage(m, pair[0], pair[1] || threadSeq !== null));
      }
    });
    if (document.getElementById("m-" + m.seq)) {
      return;
    }
    if (threadSeq !== null) {
      if (m.thread_root === threadSeq) {
        insertSorted(list, renderMessage(m, "m-", true), m.seq);
      }
      return;
    }
    if (!m.thread_root) {
      var follow = nearBottom();
      insertSorted(list, renderMessage(m, "m-", false), m.seq);
      if (follow) {
        toBottom(); // the reader was at the latest messages: they stay there (the view moves, never the focus)
      }
      var empty = document.getElementById("chat-empty");
      if (empty) {
        empty.remove();
      }
    } else if (openThread === m.thread_root && !document.getElementById("tm-" + m.seq)) {
      var panelList = panel.querySelector("ol.chat-thread-replies");
      if (panelList) {
        insertSorted(panelList, renderMessage(m, "tm-", true), m.seq);
      }
    }
  }

  // Receiving ------------------------------------------------------------------------------------------

  function track(seq) {
    if (seq <= lastSeq) {
      return;
    }
    if (seq === lastSeq + 1) {
      lastSeq = seq;
      while (ahead.has(lastSeq + 1)) {
        ahead.delete(lastSeq + 1);
        lastSeq++;
      }
    } else {
      ahead.add(seq);
      // Frames relayed by two server processes can arrive a little out of order: ask for the missing ids only
      // if the gap is still open a moment later (asking at once would cost a request per reordered frame).
      if (!gapTimer) {
        gapTimer = setTimeout(function () {
          gapTimer = null;
          if (ahead.size) {
            askCatchUp();
          }
        }, GAP_WAIT_MS);
      }
    }
  }

  function askCatchUp() {
    if (catchingUp || !isOpen()) {
      return;
    }
    catchingUp = true;
    send({ type: "catch_up", after: lastSeq });
  }

  function receive(m, live) {
    var isNew = m.seq > lastSeq && !ahead.has(m.seq) && !known.has(m.seq);
    known.set(m.seq, m);
    place(m);
    track(m.seq);
    if (isNew && m.author && m.author.id !== userId) {
      var typer = typers.get(m.author.id);
      if (typer) {
        clearTimeout(typer.timer);
        typers.delete(m.author.id);
        showTyping();
      }
      if (live) {
        announce(fmt(S.newMessage, m.author.name, excerpt(m.body, 100)));
      }
      scheduleRead();
    }
    return isNew && !!m.author && m.author.id !== userId;
  }

  function onFrame(event) {
    var frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (frame.type === "batch") {
      // Frames that queued up while the socket was busy, in order (asked for with batch=1).
      (frame.frames || []).forEach(handle);
    } else {
      handle(frame);
    }
  }

  function handle(frame) {
    switch (frame.type) {
      case "message":
        receive(frame.message, true);
        break;
      case "update":
        known.set(frame.message.seq, frame.message);
        place(frame.message);
        break;
      case "messages": {
        var fromOthers = 0;
        frame.messages.forEach(function (m) {
          if (receive(m, false)) {
            fromOthers++;
          }
        });
        if (fromOthers === 1) {
          var only = frame.messages.filter(function (m) {
            return m.author && m.author.id !== userId;
          })[0];
          announce(fmt(S.newMessage, only.author.name, excerpt(only.body, 100)));
        } else if (fromOthers > 1) {
          announce(fmt(S.newMessages, fromOthers));
        }
        if (frame.complete) {
          catchingUp = false;
          if (ahead.size) {
            // Ids past a gap the server does not have: nothing more will come for them.
            lastSeq = Math.max.apply(null, [lastSeq].concat(Array.from(ahead)));
            ahead.clear();
          }
        }
        break;
      }
      case "ack":
        acked(frame.client_key, frame.seq);
        break;
      case "typing":
        if (frame.user && frame.user.id !== userId) {
          typing(frame.user);
        }
        break;
      case "presence":
        showOnline(frame.online || []);
        break;
      case "error":
        if (frame.client_key && pending.has(frame.client_key)) {
          failed(frame.client_key, frame.message);
        } else {
          setStatus(frame.message);
          announce(frame.message);
        }
        break;
      default:
        break;
    }
  }

  // Typing and presence --------------------------------------------------------------------------------

  function showTyping() {
    if (!typingEl) {
      return;
    }
    var names = Array.from(typers.values()).map(function (t) {
      return t.name;
    });
    typingEl.textContent = names.length === 0 ? "" : names.length === 1 ? fmt(S.typing, names[0]) : S.typingMany;
  }

  function typing(user) {
    var current = typers.get(user.id);
    if (current) {
      clearTimeout(current.timer);
    }
    typers.set(user.id, {
      name: user.name,
      timer: setTimeout(function () {
        typers.delete(user.id);
        showTyping();
      }, 6000),
    });
    showTyping();
  }

  function showOnline(people) {
    if (!onlineEl) {
      return;
    }
    onlineEl.textContent = "";
    if (!people.length) {
      onlineEl.appendChild(el("li", { className: "empty", text: S.nobodyOnline }));
      return;
    }
    people.forEach(function (person) {
      onlineEl.appendChild(el("li", { "data-user": person.id, text: person.name }));
    });
  }

  // Read marker ----------------------------------------------------------------------------------------

  function scheduleRead() {
    if (document.visibilityState !== "visible" || readTimer) {
      return;
    }
    readTimer = setTimeout(function () {
      readTimer = null;
      send({ type: "read", seq: lastSeq });
    }, 1500);
  }

  document.addEventListener("visibilitychange", scheduleRead);

  // Sending ----------------------------------------------------------------------------------------------

  function renderPending(frame, key) {
    var li = el("li", { className: "chat-message is-mine is-pending", id: "p-" + key });
    var body = el("p", { className: "chat-pending-body", text: frame.body });
    var state = el("p", { className: "chat-pending-state", text: S.sending });
    li.appendChild(el("article", { className: "chat-message-inner" }, body, state));
    return li;
  }

  function pendingList(frame) {
    if (threadSeq !== null || !frame.thread_root) {
      return list;
    }
    return panel.querySelector("ol.chat-thread-replies");
  }

  function sendMessage(text, replyTo, threadRoot) {
    var key = newKey();
    var frame = { type: "send", body: text, client_key: key, reply_to: replyTo, thread_root: threadRoot };
    var item = { frame: frame, el: renderPending(frame, key), failed: false };
    pending.set(key, item);
    var target = pendingList(frame);
    if (target) {
      target.appendChild(item.el);
      if (target === list) {
        toBottom();
      }
    }
    send(frame);
  }

  function acked(key, seq) {
    var item = pending.get(key);
    if (!item) {
      return;
    }
    pending.delete(key);
    item.el.remove();
    if (seq > lastSeq + 1) {
      askCatchUp(); // the message itself did not arrive (yet): fetch it
    }
  }

  function failed(key, text) {
    var item = pending.get(key);
    if (!item) {
      return;
    }
    item.failed = true;
    var state = item.el.querySelector(".chat-pending-state");
    state.textContent = S.notSent + " " + text + " ";
    var retry = el("button", { type: "button", className: "chat-tool-button", text: S.retry });
    retry.addEventListener("click", function () {
      item.failed = false;
      state.textContent = S.sending;
      send(item.frame);
      item.el.querySelector(".chat-pending-body").focus();
    });
    state.appendChild(retry);
    item.el.querySelector(".chat-pending-body").setAttribute("tabindex", "-1");
    announce(S.notSent + " " + text);
  }

  function composerParts(form) {
    return {
      input: form.querySelector("textarea"),
      replyTo: form.querySelector("input[name=reply_to]"),
      threadRoot: form.querySelector("input[name=thread_root]"),
      replying: form.querySelector("[data-chat-replying]"),
    };
  }

  function clearReply(form) {
    var parts = composerParts(form);
    if (parts.replyTo) {
      parts.replyTo.value = "";
    }
    if (parts.replying) {
      parts.replying.hidden = true;
    }
  }

  function setReply(form, seq) {
    var parts = composerParts(form);
    var m = known.get(seq);
    var li = form === composer ? document.getElementById("m-" + seq) : document.getElementById("tm-" + seq);
    var name = m ? (m.author ? m.author.name : S.formerMember) : li ? li.querySelector(".chat-message-author").textContent : "";
    var text = m ? m.body : li ? li.querySelector(".chat-message-body").textContent : "";
    parts.replyTo.value = seq;
    parts.replying.hidden = false;
    parts.replying.querySelector("[data-chat-replying-text]").textContent =
      fmt(S.replyingTo, name) + " " + excerpt(text, 140);
    parts.input.focus();
  }

  function submitComposer(form) {
    var parts = composerParts(form);
    var text = parts.input.value;
    if (!text.trim()) {
      parts.input.focus();
      return;
    }
    var replyTo = parts.replyTo && parts.replyTo.value ? Number(parts.replyTo.value) : null;
    var threadRoot = parts.threadRoot && parts.threadRoot.value ? Number(parts.threadRoot.value) : null;
    sendMessage(text, replyTo, threadRoot);
    parts.input.value = "";
    clearReply(form);
  }

  function wireComposer(form) {
    var parts = composerParts(form);
    var keys = form.querySelector("[data-chat-keys]");
    if (keys) {
      keys.hidden = false;
    }
    function hasFile() {
      var file = form.querySelector("input[type=file]");
      return !!(file && file.files && file.files.length);
    }
    form.addEventListener("submit", function (event) {
      if (hasFile()) {
        return; // a file goes with the plain form (it becomes a file of the workspace)
      }
      event.preventDefault();
      submitComposer(form);
    });
    parts.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (hasFile()) {
          form.requestSubmit();
        } else {
          submitComposer(form);
        }
      }
    });
    parts.input.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 3000 && parts.input.value.trim()) {
        lastTypingSent = now;
        send({ type: "typing" });
      }
    });
  }

  // Editing in place ------------------------------------------------------------------------------------

  function startEdit(li) {
    if (li.querySelector("[data-chat-editor]")) {
      return;
    }
    var seq = Number(li.dataset.seq);
    var body = li.querySelector(".chat-message-body");
    var m = known.get(seq);
    var source = m ? m.body : li.dataset.source || "";
    var id = "chat-edit-" + li.id;
    var input = el("textarea", { id: id, rows: "4", className: "chat-composer-input" });
    input.value = source;
    var editor = el(
      "form",
      { className: "chat-editor", "data-chat-editor": "" },
      el("label", { for: id, text: S.editLabel }),
      input,
      el("button", { type: "submit", className: "button button-small", text: S.save }),
      " ",
      el("button", { type: "button", className: "button button-small button-secondary", "data-chat-act": "cancel-edit", text: S.cancel })
    );
    body.hidden = true;
    body.after(editor);
    function finish() {
      editor.remove();
      body.hidden = false;
      var latest = known.get(seq);
      if (latest) {
        place(latest); // shows an update that came while the editor was open
      }
      var current = document.getElementById(li.id) || li;
      var button = current.querySelector('[data-chat-act="edit"]');
      if (button) {
        button.focus();
      }
    }
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      if (text.trim() && text !== source) {
        send({ type: "edit", seq: seq, body: text });
      }
      finish();
    });
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        finish();
      } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.target === input) {
        event.preventDefault();
        editor.requestSubmit();
      }
    });
    editor.querySelector('[data-chat-act="cancel-edit"]').addEventListener("click", function (event) {
      event.stopPropagation();
      finish();
    });
    input.focus();
  }

  // Threads in a side panel (channel pages) -----------------------------------------------------------

  function closeThread() {
    var seq = openThread;
    openThread = null;
    panel.hidden = true;
    panel.textContent = "";
    var li = document.getElementById("m-" + seq);
    var button = li && li.querySelector('[data-chat-act="thread"]');
    if (button) {
      button.focus();
    }
  }

  function buildPanelComposer(seq) {
    var id = "chat-thread-input";
    var form = el(
      "form",
      { className: "chat-composer", "data-chat-panel-composer": "" },
      el("input", { type: "hidden", name: "thread_root", value: seq }),
      el("input", { type: "hidden", name: "reply_to", value: "" }),
      el(
        "div",
        { className: "chat-replying", "data-chat-replying": "", hidden: true },
        el(
          "p",
          null,
          el("span", { "data-chat-replying-text": "" }),
          " ",
          el("button", { type: "button", className: "chat-tool-button", "data-chat-act": "cancel-reply", text: S.cancel })
        )
      ),
      el("div", { className: "field" }, el("label", { for: id, text: S.threadReplyLabel }), el("textarea", { id: id, rows: "3", className: "chat-composer-input" })),
      el("button", { type: "submit", className: "button", text: S.send })
    );
    wireComposer(form);
    return form;
  }

  function showThread(seq) {
    if (!panel) {
      window.location.href = threadLink(seq);
      return;
    }
    openThread = seq;
    panel.textContent = "";
    var title = el("h2", { id: "chat-thread-title", tabindex: "-1", text: S.threadTitle });
    panel.appendChild(
      el(
        "div",
        { className: "chat-thread-header" },
        title,
        el("button", { type: "button", className: "button button-small button-secondary", "data-chat-act": "close-thread", text: S.closeThread })
      )
    );
    panel.appendChild(el("p", null, el("a", { href: threadLink(seq), text: S.openThreadPage })));
    var rootList = el("ol", { className: "chat-messages chat-thread-root" });
    var replies = el("ol", { className: "chat-messages chat-thread-replies", "aria-labelledby": "chat-thread-title" });
    panel.appendChild(rootList);
    panel.appendChild(replies);
    if (canPost) {
      panel.appendChild(buildPanelComposer(seq));
    }
    panel.hidden = false;
    title.focus();
    fetch(cfg.history + "?thread=" + seq, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (openThread !== seq) {
          return;
        }
        data.messages.forEach(function (m) {
          known.set(m.seq, m);
          if (m.seq === seq) {
            rootList.appendChild(renderMessage(m, "tm-", true));
          } else if (!document.getElementById("tm-" + m.seq)) {
            insertSorted(replies, renderMessage(m, "tm-", true), m.seq);
          }
        });
      })
      .catch(function () {
        panel.appendChild(el("p", { className: "message message-error", text: S.loadFailed }));
      });
  }

  // Older messages ------------------------------------------------------------------------------------

  function loadOlder(button) {
    if (!firstSeq || button.getAttribute("aria-busy") === "true") {
      return;
    }
    button.setAttribute("aria-busy", "true"); // not disabled: the button keeps the focus
    var url = cfg.history + "?before=" + firstSeq + (threadSeq === null ? "&top=1" : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        var fromBottom = scroller ? scroller.scrollHeight - scroller.scrollTop : 0;
        data.messages.forEach(function (m) {
          if (!known.has(m.seq)) {
            known.set(m.seq, m);
          }
          if (!document.getElementById("m-" + m.seq) && !m.thread_root) {
            insertSorted(list, renderMessage(m, "m-", false), m.seq);
          }
        });
        if (data.messages.length) {
          firstSeq = data.messages[0].seq;
        }
        if (scroller) {
          scroller.scrollTop = scroller.scrollHeight - fromBottom; // what was shown stays in place
        }
        button.removeAttribute("aria-busy");
        if (!data.has_more) {
          var end = el("span", { className: "empty", tabindex: "-1", text: S.noOlder });
          button.replaceWith(end);
          end.focus();
        }
      })
      .catch(function () {
        button.removeAttribute("aria-busy");
        announce(S.loadFailed);
      });
  }

  // Clicks and forms ------------------------------------------------------------------------------------

  function upgradeLinks(scope) {
    // The page's links that act in place become real buttons (they stay links without JavaScript).
    scope.querySelectorAll("a[data-chat-act]").forEach(function (link) {
      var button = el("button", {
        type: "button",
        className: "chat-tool-button",
        "data-chat-act": link.dataset.chatAct,
        "data-href": link.getAttribute("href"),
      });
      while (link.firstChild) {
        button.appendChild(link.firstChild);
      }
      if (link.dataset.chatAct === "older") {
        button.textContent = S.older;
      }
      link.replaceWith(button);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-chat-act]");
    if (!button) {
      return;
    }
    var act = button.dataset.chatAct;
    var li = button.closest("li[data-seq]");
    var seq = li ? Number(li.dataset.seq) : null;
    var inPanel = panel && panel.contains(button);
    if (act === "older") {
      loadOlder(button);
    } else if (act === "close-thread") {
      closeThread();
    } else if (act === "cancel-reply") {
      var form = button.closest("form");
      clearReply(form);
      composerParts(form).input.focus();
    } else if (act === "reply" && seq) {
      var target = inPanel ? panel.querySelector("[data-chat-panel-composer]") : composer;
      if (target) {
        setReply(target, seq);
      }
    } else if (act === "thread" && seq) {
      if (threadSeq !== null) {
        window.location.href = button.dataset.href;
      } else {
        showThread(seq);
      }
    } else if (!isOpen()) {
      if (button.dataset.href) {
        window.location.href = button.dataset.href; // the page without JavaScript's form
      }
    } else if (act === "edit" && li) {
      startEdit(li);
    } else if (act === "delete" && seq) {
      if (window.confirm(S.deleteConfirm)) {
        send({ type: "delete", seq: seq });
      }
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.dataset && form.dataset.chatForm;
    if (!kind || !isOpen()) {
      return; // without a live connection, the plain form is sent
    }
    var li = form.closest("li[data-seq]");
    if (!li) {
      return;
    }
    event.preventDefault();
    var seq = Number(li.dataset.seq);
    if (kind === "react" && event.submitter && event.submitter.value) {
      send({ type: "react", seq: seq, emoji: event.submitter.value });
      var details = form.querySelector("details[open]");
      if (details && details.contains(event.submitter)) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    } else if (kind === "pin") {
      send({ type: "pin", seq: seq, pinned: form.querySelector("input[name=pinned]").value === "1" });
    }
  });

  // Connection -----------------------------------------------------------------------------------------

  function connect() {
    if (stopped) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + cfg.socket + "?after=" + lastSeq + "&batch=1");
    catchingUp = true; // the server sends what was missed right after accepting
    socket.addEventListener("open", function () {
      attempts = 0;
      setStatus(S.connected);
      pending.forEach(function (item) {
        if (!item.failed) {
          send(item.frame);
        }
      });
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        send({ type: "ping" });
      }, 25000);
      scheduleRead();
    });
    socket.addEventListener("message", onFrame);
    socket.addEventListener("close", function (event) {
      clearInterval(pingTimer);
      socket = null;
      catchingUp = false;
      if (event.code === 4401 || event.code === 4403) {
        stopped = true;
        setStatus(event.code === 4401 ? S.loggedOut : S.refused);
        announce(event.code === 4401 ? S.loggedOut : S.refused);
        return;
      }
      setStatus(S.reconnecting);
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2);
      attempts++;
      clearTimeout(reconnectTimer);
      reconnectTimer = setTimeout(connect, delay);
    });
  }

  // Start ----------------------------------------------------------------------------------------------

  upgradeLinks(root);
  if (!window.location.hash) {
    toBottom(); // the latest messages first (a link to a message keeps the browser's own jump)
  }
  if (composer) {
    wireComposer(composer);
  }
  if (cfg.live === "1") {
    connect();
    window.addEventListener("online", function () {
      if (!socket && !stopped) {
        clearTimeout(reconnectTimer);
        connect();
      }
    });
  }
})();
