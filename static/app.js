// wadesk page behaviour. Loaded with <script defer>; nothing here needs
// inline script, so it works under a Content-Security-Policy without
// 'unsafe-inline'. Everything is driven by data attributes:
//
//   data-copy="text"             click copies the text, the label shows "Copied"
//   data-copy-target="#selector" click copies that element's value or text
//   data-confirm="Question?"     on a form, button or link: asks before going on
//   data-countdown="RFC 3339"    shows "hh:mm:ss left" until the deadline
//                                (data-countdown-words: the words around
//                                it, "{time}" standing for the time)
//   data-reply-to="message id"   on a bubble's Reply button: the composer
//                                replies to that message (see below)
//   data-count="#id" data-count-max="n"
//                                keeps #id at "chars / n", class is-over past n
//   data-picture-input           a file input whose chosen picture shows in
//                                every [data-picture-preview] element
//   data-enter-sends             on a textarea: Enter sends its form, Shift+Enter
//                                starts a new line (not while an IME is composing)
//   data-composer-form           on a form: Ctrl+Enter (Cmd+Enter) sends it; when it
//                                is sent, its [data-reply-to-copy] field gets the
//                                value of #composer-reply-to (the message to quote)
//   data-insert-variable="{x}"   click inserts the text at the caret of the form's
//                                last focused [data-variable-target] input
//   data-reply-cancel            click clears #composer-reply-to: quote nothing
//   data-composer-mode="mode"    on a composer mode's <details>: when the composer
//                                area fetches itself again, the open one is sent
//                                as the mode parameter
//
// htmx attributes (hx-confirm and friends) keep working on their own; the
// data-confirm handler also stops htmx requests when the user says no.
(function () {
  "use strict";

  var COPIED_MS = 2000;

  // ---- Copy to clipboard ---------------------------------------------------

  // Older path for pages served over plain HTTP (for example a LAN
  // address), where the async clipboard API is missing or refused.
  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy command refused"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  function copySource(button) {
    var selector = button.getAttribute("data-copy-target");
    if (selector) {
      var target = document.querySelector(selector);
      if (!target) {
        return null;
      }
      return "value" in target && typeof target.value === "string"
        ? target.value
        : target.textContent.trim();
    }
    return button.getAttribute("data-copy");
  }

  function flashLabel(button, text, ok) {
    // A child marked data-copy-label keeps icons intact; otherwise the
    // button's own text is swapped and restored.
    var label = button.querySelector("[data-copy-label]") || button;
    if (!("copyOriginal" in button.dataset)) {
      button.dataset.copyOriginal = label.textContent;
    }
    label.textContent = text;
    button.classList.toggle("is-copied", ok);
    clearTimeout(button._copyTimer);
    button._copyTimer = setTimeout(function () {
      label.textContent = button.dataset.copyOriginal;
      delete button.dataset.copyOriginal;
      button.classList.remove("is-copied");
    }, COPIED_MS);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy], [data-copy-target]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var text = copySource(button);
    if (text === null) {
      return;
    }
    copyText(text).then(
      function () { flashLabel(button, "Copied", true); },
      function () {
        // No clipboard access: select the text so the user can copy it.
        var selector = button.getAttribute("data-copy-target");
        var target = selector ? document.querySelector(selector) : null;
        if (target && typeof target.select === "function") {
          target.select();
        } else if (target) {
          window.getSelection().selectAllChildren(target);
        }
        flashLabel(button, target ? "Press Ctrl+C" : "Copy failed", false);
      }
    );
  });

  // ---- Confirmation ----------------------------------------------------------
  // Runs in the capture phase so that a "no" also stops htmx, which listens
  // on the element itself.

  var CONFIRMABLE = "a[data-confirm], button[data-confirm], input[data-confirm], [role=button][data-confirm]";

  function refuse(event, element) {
    if (window.confirm(element.getAttribute("data-confirm"))) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  document.addEventListener("click", function (event) {
    var element = event.target.closest && event.target.closest(CONFIRMABLE);
    if (element && !element.disabled) {
      refuse(event, element);
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]")) {
      refuse(event, form);
    }
  }, true);

  // ---- Countdown -------------------------------------------------------------
  // One timer for the whole page; it re-reads the elements on every tick so
  // countdowns swapped in by htmx start without extra wiring. An element that
  // runs out gets the class is-expired and fires a bubbling
  // "countdown:expired" event (usable as hx-trigger="countdown:expired from:body").

  var HOUR_MS = 3600 * 1000;

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function parseDeadline(value) {
    // RFC 3339 allows nanoseconds and lower-case t/z; Date.parse wants at
    // most milliseconds, so trim the fraction first.
    var normalized = String(value).trim().toUpperCase().replace(/(\.\d{3})\d+/, "$1");
    return Date.parse(normalized);
  }

  // formatLeft writes the time left in the reader's words: the page gives
  // them in data-countdown-words ("{time} left", "متبقٍّ {time}").
  function formatLeft(ms, words) {
    var total = Math.ceil(ms / 1000);
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    var time = pad(hours) + ":" + pad(minutes) + ":" + pad(seconds);
    if (!words || words.indexOf("{time}") < 0) {
      words = "{time} left";
    }
    return words.replace("{time}", time);
  }

  function updateCountdown(element, now) {
    var deadline = parseDeadline(element.getAttribute("data-countdown"));
    if (isNaN(deadline)) {
      return;
    }
    var left = deadline - now;
    if (left > 0) {
      element.textContent = formatLeft(left, element.getAttribute("data-countdown-words"));
      element.classList.toggle("is-urgent", left < HOUR_MS);
      element.classList.remove("is-expired");
      element.dataset.countdownRunning = "";
      return;
    }
    if (element.classList.contains("is-expired")) {
      return;
    }
    element.textContent = element.getAttribute("data-countdown-expired") || "Expired";
    element.classList.remove("is-urgent");
    element.classList.add("is-expired");
    if ("countdownRunning" in element.dataset) {
      delete element.dataset.countdownRunning;
      element.dispatchEvent(new CustomEvent("countdown:expired", { bubbles: true }));
    }
  }

  function tick() {
    var now = Date.now();
    var elements = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < elements.length; i++) {
      updateCountdown(elements[i], now);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tick);
  } else {
    tick();
  }
  document.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 1000);

  // ---- Form errors: address, summary, tables as cards (issue 13) --------------

  // restoreAddress: a form that failed is shown again at its POST-only
  // action; the server names the page it belongs to in <body
  // data-address>, and the address bar is moved there, so that a reload
  // loads that page instead of posting again or showing a 404.
  function restoreAddress() {
    var at = document.body && document.body.getAttribute("data-address");
    if (!at || at.charAt(0) !== "/" || at.charAt(1) === "/") {
      return;
    }
    try {
      history.replaceState(history.state, "", at);
    } catch (err) {
      // A foreign address is refused by the browser; stay where we are.
    }
  }

  // errorFieldFor is the field an error message describes.
  function errorFieldFor(messageId) {
    var fields = document.querySelectorAll("[aria-describedby]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].getAttribute("aria-describedby").split(/\s+/).indexOf(messageId) >= 0) {
        return fields[i];
      }
    }
    var message = document.getElementById(messageId);
    return message && message.closest("label, fieldset");
  }

  // errorSummary puts the summary's links in the order of the fields on
  // the page (the server lists them by name) and moves focus to it.
  function errorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    var list = summary.querySelector("ul");
    if (list) {
      var items = Array.prototype.slice.call(list.children);
      var where = function (li) {
        var a = li.querySelector("a");
        return a && document.getElementById(a.getAttribute("href").slice(1));
      };
      items.sort(function (a, b) {
        var x = where(a), y = where(b);
        if (!x || !y || x === y) {
          return x ? -1 : y ? 1 : 0;
        }
        return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      });
      items.forEach(function (li) {
        list.appendChild(li);
      });
    }
    summary.focus();
  }

  // A summary link takes the keyboard to its field, not only the eye.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = errorFieldFor(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    var focusable = field.matches("input, select, textarea, button")
      ? field
      : field.querySelector("input:not([type=hidden]), select, textarea");
    if (focusable) {
      focusable.focus({ preventScroll: true });
    }
  });

  // labelTableCells copies each column's heading into its cells'
  // data-label, which app.css shows when a table is laid out as cards on
  // a phone.
  function labelTableCells() {
    var tables = document.querySelectorAll(".table-wrap > table");
    for (var t = 0; t < tables.length; t++) {
      var heads = tables[t].querySelectorAll("thead th");
      var names = [];
      for (var h = 0; h < heads.length; h++) {
        var name = heads[h].querySelector(".visually-hidden") ? "" : heads[h].textContent.trim();
        for (var span = heads[h].colSpan || 1; span > 0; span--) {
          names.push(name);
        }
      }
      var rows = tables[t].querySelectorAll("tbody > tr");
      for (var r = 0; r < rows.length; r++) {
        var col = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (names[col] && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[col]);
          }
          col += cell.colSpan || 1;
        }
      }
    }
  }

  function formPageReady() {
    restoreAddress();
    labelTableCells();
    errorSummary(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", formPageReady);
  } else {
    formPageReady();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    labelTableCells();
    errorSummary(event.detail && event.detail.elt);
  });

  // ---- Character counters ----------------------------------------------------
  // Characters are counted as the server counts them (code points, so an
  // emoji is one). The browser does not stop at the limit: the counter
  // turns red and the server explains.

  function updateCounter(field) {
    var target = document.querySelector(field.getAttribute("data-count"));
    var max = parseInt(field.getAttribute("data-count-max"), 10);
    if (!target || isNaN(max)) {
      return;
    }
    var n = Array.from(field.value).length;
    target.textContent = n + " / " + max;
    target.classList.toggle("is-over", n > max);
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-count]")) {
      updateCounter(field);
    }
  });

  // ---- Picture preview -------------------------------------------------------
  // <input type="file" data-picture-input data-picture-min="192"
  // data-picture-max-mb="5"> shows the chosen file in every
  // [data-picture-preview] box (the CSS crops it as WhatsApp does: centre
  // square, circle) and says in the form's [data-picture-status] whether it
  // will be refused. The server checks again; this only saves a round trip.
  // Boxes swapped in by htmx (the live phone preview) get the picture too.

  var chosenPicture = null;
  // What each box showed before a picture was chosen, to put back when
  // the choice is cleared.
  var originals = new WeakMap();

  function previewBoxes() {
    return document.querySelectorAll("[data-picture-preview]");
  }

  function showPicture(url) {
    var boxes = previewBoxes();
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (!originals.has(box)) {
        originals.set(box, Array.prototype.map.call(box.childNodes, function (n) { return n.cloneNode(true); }));
      }
      var img = box.querySelector("img");
      if (!img) {
        box.textContent = "";
        img = document.createElement("img");
        img.alt = "";
        box.appendChild(img);
      }
      img.src = url;
    }
  }

  function restorePictures() {
    var boxes = previewBoxes();
    for (var i = 0; i < boxes.length; i++) {
      var nodes = originals.get(boxes[i]);
      if (nodes) {
        boxes[i].replaceChildren.apply(boxes[i], nodes);
        originals.delete(boxes[i]);
      }
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-picture-input]")) {
      return;
    }
    var status = input.form ? input.form.querySelector("[data-picture-status]") : null;
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    if (chosenPicture) {
      URL.revokeObjectURL(chosenPicture);
      chosenPicture = null;
    }
    restorePictures();
    var file = input.files && input.files[0];
    if (!file) {
      say("");
      return;
    }
    if (file.type !== "image/jpeg" && file.type !== "image/png") {
      say("This file is not a JPEG or PNG picture, so it will be refused.");
      return;
    }
    var maxMB = parseInt(input.getAttribute("data-picture-max-mb"), 10);
    if (!isNaN(maxMB) && file.size > maxMB * 1024 * 1024) {
      say("This picture is larger than " + maxMB + " MB, so it will be refused. Save a smaller version.");
      return;
    }
    chosenPicture = URL.createObjectURL(file);
    showPicture(chosenPicture);
    var probe = new Image();
    probe.onload = function () {
      var min = parseInt(input.getAttribute("data-picture-min"), 10);
      var w = probe.naturalWidth;
      var h = probe.naturalHeight;
      var side = Math.min(w, h);
      if (!isNaN(min) && side < min) {
        say("This picture is " + w + "×" + h + " pixels; WhatsApp needs at least " + min + "×" + min + ".");
      } else if (w !== h) {
        say("Shown as it will be uploaded: the centre " + side + "×" + side + " square of " + w + "×" + h + ". Press Upload picture to send it.");
      } else {
        say("Shown as it will be uploaded. Press Upload picture to send it.");
      }
    };
    probe.onerror = function () {
      say("This picture could not be read; it will probably be refused.");
    };
    probe.src = chosenPicture;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (chosenPicture) {
      showPicture(chosenPicture);
    }
  });
})();

// ---- Composer ------------------------------------------------------------------
// Keyboard sending, the message a reply quotes, and {variables} in templates.
(function () {
  "use strict";

  function submit(form) {
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) {
      return;
    }
    var field = event.target;
    if (!field.closest) {
      return;
    }
    var form = field.closest("form[data-composer-form]");
    if (!form) {
      return;
    }
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      submit(form);
      return;
    }
    if (field.matches("textarea[data-enter-sends]") && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      submit(form);
    }
  });

  // The message to quote is chosen once for the conversation; whichever
  // composer form is sent takes it along.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-composer-form]")) {
      return;
    }
    var source = document.getElementById("composer-reply-to");
    var copies = form.querySelectorAll("[data-reply-to-copy]");
    for (var i = 0; i < copies.length; i++) {
      copies[i].value = source ? source.value : copies[i].value;
    }
  }, true);

  // The composer fetches itself again when the window closes or opens
  // (hx-get on .composer-area); it tells the server which mode's panel
  // is open, so that the panel being used stays open.
  document.addEventListener("htmx:configRequest", function (event) {
    var area = event.detail.elt;
    if (!area.matches || !area.matches(".composer-area") || event.detail.verb !== "get") {
      return;
    }
    var open = area.querySelector("details[data-composer-mode][open]");
    event.detail.parameters.mode = open ? open.getAttribute("data-composer-mode") : "";
  });

  // The composer's modes are an exclusive accordion (<details name>). htmx
  // puts the new composer in before it takes the old one out, and a
  // browser closes an open <details> put in beside an open one of the same
  // name: the old composer's leave the group first.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var area = event.detail.elt;
    if (!event.detail.shouldSwap || !area.matches || !area.matches(".composer-area")) {
      return;
    }
    var modes = area.querySelectorAll("details[data-composer-mode][name]");
    for (var i = 0; i < modes.length; i++) {
      modes[i].removeAttribute("name");
    }
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-reply-cancel]");
    if (!cancel) {
      return;
    }
    var fields = document.querySelectorAll("#composer-reply-to, [data-reply-to-copy]");
    for (var i = 0; i < fields.length; i++) {
      fields[i].value = "";
    }
    var bar = cancel.closest(".composer-reply");
    if (bar) {
      bar.parentNode.removeChild(bar);
    }
  });

  // {variables}: remember the last field of each form that can take one.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-variable-target]") && field.form) {
      field.form._variableTarget = field;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-variable]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var form = button.closest("form");
    if (!form) {
      return;
    }
    var field = form._variableTarget && form.contains(form._variableTarget)
      ? form._variableTarget
      : form.querySelector("[data-variable-target]");
    if (!field) {
      return;
    }
    var token = button.getAttribute("data-insert-variable");
    var start = typeof field.selectionStart === "number" ? field.selectionStart : field.value.length;
    var end = typeof field.selectionEnd === "number" ? field.selectionEnd : start;
    field.value = field.value.slice(0, start) + token + field.value.slice(end);
    field.focus();
    var caret = start + token.length;
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();

// ---- Reply to a message (bubbles) ---------------------------------------------
(function () {
  "use strict";

  // A bubble's Reply button (data-reply-to, data-reply-snippet) puts the
  // message's id in the composer's hidden reply_to input and shows
  // "Replying to: …" above the composer with a link to cancel. The input
  // and the banner are made here when the page has none. The bubbles are
  // swapped by live updates; the composer and the banner are not.

  function composerForm() {
    return document.querySelector("form.composer");
  }

  function replyInput(form) {
    var input = document.getElementById("composer-reply-to");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "reply_to";
      input.id = "composer-reply-to";
      form.appendChild(input);
    }
    return input;
  }

  function replyBanner(form) {
    var banner = document.getElementById("composer-replying");
    if (banner) {
      return banner;
    }
    banner = document.createElement("div");
    banner.id = "composer-replying";
    banner.className = "composer-replying";
    banner.setAttribute("role", "status");
    banner.setAttribute("data-testid", "composer-replying");
    var text = document.createElement("span");
    text.className = "composer-replying-text";
    text.setAttribute("data-testid", "composer-replying-text");
    var cancel = document.createElement("a");
    cancel.href = "#";
    cancel.className = "composer-replying-cancel";
    cancel.setAttribute("data-reply-cancel", "");
    cancel.setAttribute("data-testid", "composer-reply-cancel");
    cancel.textContent = "Cancel";
    banner.appendChild(text);
    banner.appendChild(cancel);
    form.parentNode.insertBefore(banner, form);
    return banner;
  }

  function startReply(button) {
    var form = composerForm();
    if (!form) {
      return;
    }
    replyInput(form).value = button.getAttribute("data-reply-to");
    var banner = replyBanner(form);
    // textContent: the snippet is the customer's words, never markup.
    banner.querySelector(".composer-replying-text").textContent =
      "Replying to: " + (button.getAttribute("data-reply-snippet") || "a message");
    banner.hidden = false;
    var field = form.querySelector("textarea, input[type=text]");
    if (field) {
      field.focus();
    }
  }

  function cancelReply() {
    var input = document.getElementById("composer-reply-to");
    if (input) {
      input.value = "";
    }
    var banner = document.getElementById("composer-replying");
    if (banner) {
      banner.hidden = true;
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-reply-to], [data-reply-cancel]");
    if (!target) {
      return;
    }
    event.preventDefault();
    if (target.hasAttribute("data-reply-cancel")) {
      cancelReply();
    } else {
      startReply(target);
    }
  });
})();

// ---- Chat scrolling -------------------------------------------------------------
// A conversation opens at its newest message, or, opened from a search
// result (#msg-ID in the address), at the message found. While the agent
// is at the bottom, new messages (the live refresh) keep it there; while
// they read older ones, nothing moves and the "new messages" button
// ([data-chat-pill]) appears instead, which takes them down.
(function () {
  "use strict";

  // How far from the bottom still counts as "at the newest message".
  var NEAR_BOTTOM_PX = 48;
  var chats = new WeakMap();

  function atBottom(chat) {
    return chat.scrollHeight - chat.scrollTop - chat.clientHeight <= NEAR_BOTTOM_PX;
  }

  function scrollChatToBottom(chat) {
    chat.scrollTop = chat.scrollHeight;
  }

  function newestMessageID(chat) {
    var all = chat.querySelectorAll("[data-message-id]");
    return all.length ? all[all.length - 1].getAttribute("data-message-id") : "";
  }

  function chatPill(chat) {
    return chat.parentNode ? chat.parentNode.querySelector("[data-chat-pill]") : null;
  }

  function showChatPill(chat, show) {
    var pill = chatPill(chat);
    if (pill) {
      pill.hidden = !show;
    }
  }

  // centreMessage scrolls the chat (and only the chat) so that the
  // message is in the middle of it.
  function centreMessage(chat, message) {
    var offset = message.getBoundingClientRect().top - chat.getBoundingClientRect().top;
    chat.scrollTop += offset - (chat.clientHeight - message.offsetHeight) / 2;
  }

  function searchTarget(chat) {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^msg-\d+$/.test(id)) {
      return null;
    }
    var el = document.getElementById(id);
    return el && chat.contains(el) ? el : null;
  }

  function openChat(chat) {
    if (chats.has(chat)) {
      return;
    }
    var st = { stick: true, newest: newestMessageID(chat), scrollTop: 0 };
    chats.set(chat, st);
    var found = searchTarget(chat);
    if (found) {
      centreMessage(chat, found);
      st.stick = atBottom(chat);
    } else {
      scrollChatToBottom(chat);
    }
    chat.addEventListener("scroll", function () {
      st.stick = atBottom(chat);
      if (st.stick) {
        showChatPill(chat, false);
      }
    }, { passive: true });
    // Pictures that finish loading make the chat taller.
    chat.addEventListener("load", function () {
      if (st.stick) {
        scrollChatToBottom(chat);
      }
    }, true);
    var pill = chatPill(chat);
    if (pill) {
      pill.addEventListener("click", function () {
        scrollChatToBottom(chat);
        showChatPill(chat, false);
        st.stick = true;
      });
    }
  }

  function openChats() {
    var chat = document.getElementById("chat");
    if (chat) {
      openChat(chat);
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var chat = event.detail.target;
    var st = chat && chats.get(chat);
    if (st) {
      st.stick = atBottom(chat);
      st.scrollTop = chat.scrollTop;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var chat = event.detail.target;
    var st = chat && chats.get(chat);
    if (!st) {
      return;
    }
    var newest = newestMessageID(chat);
    if (st.stick) {
      scrollChatToBottom(chat);
    } else {
      chat.scrollTop = st.scrollTop;
      if (newest !== st.newest) {
        showChatPill(chat, true);
      }
    }
    st.newest = newest;
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openChats);
  } else {
    openChats();
  }
})();

// ---- Conversation side panel ------------------------------------------------------
// [data-side-toggle] shows or hides the conversation's side panel (#thread-side:
// contact, orders, products, notes), [data-side-close] hides it. On wide
// screens it sits beside the chat and the choice is remembered; on narrow
// ones it is a drawer over the chat that Escape or a click outside closes.
(function () {
  "use strict";

  var SIDE_KEY = "wadesk.threadSide";
  var wideScreen = window.matchMedia("(min-width: 1101px)");

  function sideThread() {
    return document.getElementById("thread");
  }

  function sideShown(thread) {
    return wideScreen.matches ? !thread.classList.contains("side-closed") : thread.classList.contains("side-open");
  }

  function syncSideToggles(thread) {
    var toggles = thread.querySelectorAll("[data-side-toggle]");
    for (var i = 0; i < toggles.length; i++) {
      toggles[i].setAttribute("aria-expanded", sideShown(thread) ? "true" : "false");
    }
  }

  function setSide(thread, show) {
    if (wideScreen.matches) {
      thread.classList.toggle("side-closed", !show);
      try {
        localStorage.setItem(SIDE_KEY, show ? "open" : "closed");
      } catch (e) {
        // Private mode: the choice lasts for this page only.
      }
    } else {
      thread.classList.toggle("side-open", show);
    }
    syncSideToggles(thread);
    var focus = show ? thread.querySelector("[data-side-close]") : thread.querySelector("[data-side-toggle]");
    if (focus && !wideScreen.matches) {
      focus.focus();
    }
  }

  function initSide() {
    var thread = sideThread();
    if (!thread) {
      return;
    }
    try {
      if (localStorage.getItem(SIDE_KEY) === "closed") {
        thread.classList.add("side-closed");
      }
    } catch (e) {
      // No storage: the panel starts shown.
    }
    syncSideToggles(thread);
    wideScreen.addEventListener("change", function () {
      thread.classList.remove("side-open");
      syncSideToggles(thread);
    });
  }

  document.addEventListener("click", function (event) {
    var thread = sideThread();
    if (!thread || !event.target.closest) {
      return;
    }
    if (event.target.closest("[data-side-toggle]")) {
      setSide(thread, !sideShown(thread));
      return;
    }
    if (event.target.closest("[data-side-close]")) {
      setSide(thread, false);
      return;
    }
    // A click outside the drawer closes it.
    if (!wideScreen.matches && thread.classList.contains("side-open") && !event.target.closest("#thread-side")) {
      setSide(thread, false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var thread = sideThread();
    if (event.key === "Escape" && thread && !wideScreen.matches && thread.classList.contains("side-open")) {
      setSide(thread, false);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initSide);
  } else {
    initSide();
  }
})();

// ---- Composer panels' room ----------------------------------------------------------
// An open composer panel (template, interactive, attach) opens over the chat;
// --composer-room is the height there is for it, up to the thread's header.
(function () {
  "use strict";

  function fitComposerPanels() {
    var areas = document.querySelectorAll(".composer-area");
    for (var i = 0; i < areas.length; i++) {
      var area = areas[i];
      var main = area.closest(".thread-main");
      var header = main ? main.querySelector(".thread-header") : null;
      var top = header ? header.getBoundingClientRect().bottom : 0;
      var room = Math.max(160, area.getBoundingClientRect().top - top - 8);
      area.style.setProperty("--composer-room", Math.round(room) + "px");
    }
  }

  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details[data-composer-mode]")) {
      fitComposerPanels();
    }
  }, true);
  document.addEventListener("htmx:afterSettle", fitComposerPanels);
  window.addEventListener("resize", fitComposerPanels);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitComposerPanels);
  } else {
    fitComposerPanels();
  }
})();

// ---- New-message alerts ---------------------------------------------------------------
// #inbox-alerts holds the answer of /inbox/alerts ([data-alerts]), read again
// whenever the inbox changes. The unread count goes into the tab's title
// ("(3) Inbox · wadesk") and onto its icon; when a customer writes, a tone
// plays (data-sound) and a desktop notification shows (data-desktop, with
// the browser's permission) unless the agent is looking at that
// conversation. The account page's desktop switch ([data-alerts-desktop])
// asks the browser for permission when it is turned on.
(function () {
  "use strict";

  var TITLE_COUNT = /^\(\d+\+?\) /;
  var lastLatest = null;
  var iconImage = null;
  var audio = null;

  function setTitleCount(unread) {
    var base = document.title.replace(TITLE_COUNT, "");
    document.title = unread > 0 ? "(" + unread + ") " + base : base;
  }

  function iconLink() {
    return document.querySelector("link[rel~='icon']");
  }

  function setIconBadge(unread) {
    var link = iconLink();
    if (!link) {
      return;
    }
    if (!link.dataset.plainIcon) {
      link.dataset.plainIcon = link.href;
    }
    if (unread <= 0) {
      link.type = "image/svg+xml";
      link.href = link.dataset.plainIcon;
      link.removeAttribute("data-badge");
      return;
    }
    function draw() {
      var canvas = document.createElement("canvas");
      canvas.width = canvas.height = 64;
      var g = canvas.getContext("2d");
      g.drawImage(iconImage, 0, 0, 64, 64);
      g.beginPath();
      g.arc(44, 20, 20, 0, 2 * Math.PI);
      g.fillStyle = "#d92d20";
      g.fill();
      g.fillStyle = "#ffffff";
      g.font = "bold 26px sans-serif";
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText(unread > 9 ? "9+" : String(unread), 44, 21);
      link.type = "image/png";
      link.href = canvas.toDataURL("image/png");
      link.setAttribute("data-badge", String(unread));
    }
    if (iconImage && iconImage.complete) {
      draw();
      return;
    }
    iconImage = new Image();
    iconImage.onload = draw;
    iconImage.src = link.dataset.plainIcon;
  }

  // The browser lets a page play sound only after the person has used it:
  // the first click or key press prepares the audio.
  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) {
      return;
    }
    if (!audio) {
      audio = new Ctx();
    }
    if (audio.state === "suspended") {
      audio.resume();
    }
  }
  document.addEventListener("click", unlockAudio, { once: true, capture: true });
  document.addEventListener("keydown", unlockAudio, { once: true, capture: true });

  function playAlertTone() {
    if (!audio || audio.state !== "running") {
      return;
    }
    var now = audio.currentTime;
    [880, 1320].forEach(function (freq, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.14);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.14 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.14 + 0.13);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.14);
      osc.stop(now + i * 0.14 + 0.14);
    });
  }

  function showDesktopNotification(data) {
    if (!("Notification" in window) || Notification.permission !== "granted") {
      return;
    }
    var link = iconLink();
    var note = new Notification("New message from " + data.latestName, {
      body: data.latestText,
      tag: "wadesk-" + data.latestUrl,
      icon: link ? link.dataset.plainIcon || link.href : undefined
    });
    note.onclick = function () {
      window.focus();
      location.href = data.latestUrl;
      note.close();
    };
  }

  function lookingAt(url) {
    return !document.hidden && document.hasFocus() && location.pathname === url;
  }

  function applyAlerts(data) {
    var unread = parseInt(data.unread, 10) || 0;
    setTitleCount(unread);
    setIconBadge(unread);
    var latest = data.latest || "";
    var first = lastLatest === null;
    var fresh = !first && latest !== "" && latest !== lastLatest;
    lastLatest = latest;
    if (!fresh || lookingAt(data.latestUrl)) {
      return;
    }
    if (data.sound === "true") {
      playAlertTone();
    }
    if (data.desktop === "true") {
      showDesktopNotification(data);
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (!box || box.id !== "inbox-alerts") {
      return;
    }
    var state = box.querySelector("[data-alerts]");
    if (state) {
      applyAlerts(state.dataset);
    }
  });

  // The account page's switch: turning desktop notifications on asks the
  // browser (it only asks on a click); a refusal turns the switch off again.
  function sayAlerts(input, text) {
    var status = input.form ? input.form.querySelector("[data-alerts-status]") : null;
    if (status) {
      status.textContent = text;
    }
  }

  function permissionAnswer(input, permission) {
    if (permission === "granted") {
      sayAlerts(input, "Your browser allows notifications from wadesk. Save to turn them on.");
      return;
    }
    input.checked = false;
    if (permission === "denied") {
      sayAlerts(input, "Your browser blocks notifications from wadesk. Allow them in the site settings (the icon left of the address), then turn this on again.");
    } else {
      sayAlerts(input, "Notifications stay off: the browser's question was dismissed. Turn this on again to be asked once more.");
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-alerts-desktop]") || !input.checked) {
      return;
    }
    if (!("Notification" in window)) {
      input.checked = false;
      sayAlerts(input, "This browser cannot show desktop notifications.");
      return;
    }
    if (Notification.permission !== "default") {
      permissionAnswer(input, Notification.permission);
      return;
    }
    Notification.requestPermission().then(function (permission) {
      permissionAnswer(input, permission);
    });
  });
})();
