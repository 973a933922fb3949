// Quick replies in the reply box. Typing "/" at the start of a word in a
// textarea[data-quick-replies] opens the list #quick-picker that the page
// renders beside it (each option carries data-shortcut and data-text, its
// {variables} already filled in for the conversation); the letters typed
// after "/" narrow it (shortcut first, then text). While it is open:
// ArrowDown/ArrowUp move the choice (the reply box points at it with
// aria-activedescendant, so screen readers read it), Enter or Tab inserts
// it in place of "/letters", Escape closes the list. A click on an option
// inserts it too. A reply that carries a file or options (data-quick-id,
// data-extras) puts its id in the form's quick_reply field and shows what
// goes with the text in #composer-quick-extras, whose
// [data-quick-extras-drop] button sends the text alone (as does clearing
// the reply box). Loaded with
// <script defer>; no inline script.
(function () {
  "use strict";

  var current = null; // {field, start, options: [li], active: index}
  // swallow is the field whose Enter inserted a reply: the line break that
  // key would type (sent apart from the keydown by some input methods and
  // automation) is dropped until the key is released.
  var swallow = null;

  function picker(field) {
    var form = field.closest("form");
    return form ? form.querySelector("#quick-picker") : null;
  }

  // query is what follows the "/" that starts the word at the caret, or
  // null when the caret is not in such a word.
  function slashWord(field) {
    var before = field.value.slice(0, field.selectionStart);
    var m = /(^|\s)\/([^\s/]*)$/.exec(before);
    if (!m) {
      return null;
    }
    return {start: before.length - m[2].length - 1, query: m[2].toLowerCase()};
  }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setStatus(field, which) {
    var status = document.getElementById("quick-picker-status");
    if (status) {
      status.textContent = which ? status.getAttribute("data-" + which) || "" : "";
    }
  }

  function close(field) {
    var box = picker(field);
    if (box) {
      box.hidden = true;
    }
    field.removeAttribute("aria-activedescendant");
    if (current && current.field === field) {
      current = null;
    }
    setStatus(field, "");
  }

  function highlight() {
    if (!current) {
      return;
    }
    current.options.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === current.active ? "true" : "false");
      li.classList.toggle("is-active", i === current.active);
    });
    var li = current.options[current.active];
    if (li) {
      current.field.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({block: "nearest"});
    } else {
      current.field.removeAttribute("aria-activedescendant");
    }
  }

  function update(field) {
    var box = picker(field);
    if (!box) {
      return;
    }
    var word = slashWord(field);
    if (!word) {
      close(field);
      return;
    }
    var q = fold(word.query);
    var first = [], rest = [];
    var all = box.querySelectorAll("[role=option]");
    for (var i = 0; i < all.length; i++) {
      var li = all[i];
      var sc = fold(li.getAttribute("data-shortcut"));
      var hit = sc.indexOf(q) === 0 ? first : (q && (sc.indexOf(q) > 0 || fold(li.getAttribute("data-text")).indexOf(q) >= 0) ? rest : null);
      li.hidden = !hit;
      if (hit) {
        hit.push(li);
      }
    }
    var options = first.concat(rest);
    var wasOpen = !box.hidden;
    box.hidden = false;
    box.querySelector("[data-quick-empty]").hidden = options.length > 0;
    current = {field: field, start: word.start, options: options, active: options.length ? 0 : -1};
    highlight();
    if (!wasOpen) {
      setStatus(field, "open");
    } else if (!options.length) {
      setStatus(field, "none");
    }
  }

  // chooseExtras sets what goes with the text: li's file and options, or
  // nothing (li null or a reply of text alone).
  function chooseExtras(form, li) {
    var input = form ? form.querySelector("#composer-quick-reply") : null;
    var bar = form ? form.querySelector("#composer-quick-extras") : null;
    if (!input || !bar) {
      return;
    }
    var id = li ? li.getAttribute("data-quick-id") || "" : "";
    input.value = id;
    bar.querySelector("[data-quick-extras-text]").textContent = id ? li.getAttribute("data-extras") : "";
    bar.hidden = !id;
  }

  function insert(field, li) {
    chooseExtras(field.closest("form"), li);
    var start = current ? current.start : field.selectionStart;
    var text = li.getAttribute("data-text");
    var end = field.selectionStart;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    var caret = start + text.length;
    field.setSelectionRange(caret, caret);
    close(field);
    field.focus();
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches("textarea[data-quick-replies]")) {
      if (!field.value.trim()) {
        // The text was cleared: its quick reply's file and options go too.
        chooseExtras(field.closest("form"), null);
      }
      update(field);
    }
  });

  // Capture: runs before the reply box's own Enter-sends handler.
  document.addEventListener("keydown", function (event) {
    if (!current || event.target !== current.field || event.isComposing) {
      return;
    }
    var n = current.options.length;
    switch (event.key) {
    case "ArrowDown":
      if (n) {
        current.active = (current.active + 1) % n;
        highlight();
      }
      break;
    case "ArrowUp":
      if (n) {
        current.active = (current.active - 1 + n) % n;
        highlight();
      }
      break;
    case "Enter":
    case "Tab":
      if (event.shiftKey || current.active < 0) {
        // Nothing chosen: the key does what it does without the list.
        close(current.field);
        return;
      }
      if (event.key === "Enter") {
        swallow = current.field;
      }
      insert(current.field, current.options[current.active]);
      break;
    case "Escape":
      close(current.field);
      break;
    default:
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }, true);

  document.addEventListener("beforeinput", function (event) {
    if (swallow && event.target === swallow && (event.inputType === "insertLineBreak" || event.inputType === "insertParagraph")) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("keypress", function (event) {
    if (swallow && event.target === swallow && event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.key === "Enter") {
      swallow = null;
    }
  }, true);

  document.addEventListener("click", function (event) {
    var drop = event.target.closest && event.target.closest("[data-quick-extras-drop]");
    if (drop) {
      var form = drop.closest("form");
      chooseExtras(form, null);
      var field = form.querySelector("textarea[data-quick-replies]");
      if (field) {
        field.focus();
      }
    }
  });

  document.addEventListener("mousedown", function (event) {
    var li = event.target.closest && event.target.closest("#quick-picker [role=option]");
    if (li && current) {
      // Keep the reply box's focus and caret.
      event.preventDefault();
      insert(current.field, li);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (current && event.target === current.field) {
      var field = current.field;
      setTimeout(function () {
        if (document.activeElement !== field) {
          close(field);
        }
      }, 0);
    }
  });
})();

// Typing indicator, emoji picker and the inbox's keyboard shortcuts.
//
//   textarea[data-typing-url]  while the agent types, POSTs to the URL at most
//                              every 20 seconds (the customer sees "typing…")
//   [data-emoji-picker]        a <details> whose [data-emoji] buttons insert
//                              their emoji at the reply box's caret
//   #keys-help                 the <dialog> listing the shortcuts, opened by "?"
//
// Shortcuts (never while typing in a field, nor with Ctrl, Alt or Cmd):
// j/k next/previous conversation, a assign to me, e resolve, r focus the
// reply box, / open the quick replies, ? this help.
(function () {
  "use strict";

  var TYPING_EVERY = 20000;
  var lastTyping = {};
  // swallow: the shortcut key that moved the focus into the reply box must
  // not also type itself there (some input methods and automation send
  // the character apart from the keydown).
  var swallow = null;
  document.addEventListener("beforeinput", function (event) {
    if (swallow && event.target === swallow && event.inputType === "insertText") {
      event.preventDefault();
      swallow = null;
    }
  }, true);
  document.addEventListener("keyup", function () {
    swallow = null;
  }, true);

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-typing-url]") || !field.value) {
      return;
    }
    var url = field.getAttribute("data-typing-url");
    var now = Date.now();
    if (lastTyping[url] && now - lastTyping[url] < TYPING_EVERY) {
      return;
    }
    lastTyping[url] = now;
    fetch(url, {method: "POST", credentials: "same-origin"}).catch(function () {});
  });

  function replyBox() {
    return document.getElementById("composer-text");
  }

  function insertAtCaret(field, text) {
    var start = field.selectionStart, end = field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.setSelectionRange(start + text.length, start + text.length);
    field.focus();
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-emoji]");
    if (!button) {
      return;
    }
    var picker = button.closest("[data-emoji-picker]");
    var form = button.closest("form");
    var field = form ? form.querySelector("textarea") : replyBox();
    if (field) {
      insertAtCaret(field, button.getAttribute("data-emoji"));
    }
    if (picker) {
      picker.open = false;
    }
  });

  function typingInField(target) {
    if (!target || !target.closest) {
      return false;
    }
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function go(step) {
    var rows = Array.prototype.slice.call(document.querySelectorAll('[data-testid="conversation"]'));
    if (!rows.length) {
      return;
    }
    var at = -1;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("aria-current") === "true") {
        at = i;
      }
    }
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), rows.length - 1);
    if (next !== at) {
      rows[next].click();
    }
  }

  function clickIf(selector) {
    var el = document.querySelector(selector);
    if (el) {
      el.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || typingInField(event.target)) {
      return;
    }
    var help = document.getElementById("keys-help");
    if (help && help.open) {
      return; // the dialog handles Escape itself
    }
    switch (event.key) {
    case "j":
      go(1);
      break;
    case "k":
      go(-1);
      break;
    case "a":
      clickIf('[data-testid="assign-me"]');
      break;
    case "e":
      clickIf('[data-testid="resolve"]');
      break;
    case "r":
      if (replyBox()) {
        replyBox().focus();
        swallow = replyBox();
      }
      break;
    case "/":
      var box = replyBox();
      if (!box) {
        return;
      }
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
      insertAtCaret(box, box.value && !/\s$/.test(box.value) ? " /" : "/");
      swallow = box;
      break;
    case "?":
      if (help && help.showModal) {
        help.showModal();
      }
      break;
    default:
      return;
    }
    event.preventDefault();
  });
})();
