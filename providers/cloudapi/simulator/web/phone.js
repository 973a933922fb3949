(function () {
  "use strict";
  var errorBox = document.getElementById("phone-error");
  function chat() { return document.getElementById("chat"); }
  function showError(msg) {
    if (!errorBox) return;
    errorBox.textContent = msg;
    errorBox.hidden = !msg;
  }
  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 80; }
  function scrollDown() { var el = chat(); if (el) el.scrollTop = el.scrollHeight; }
  var timer = null;
  var busy = false;
  async function poll() {
    clearTimeout(timer);
    var el = chat();
    if (!el || busy) { timer = setTimeout(poll, 1000); return; }
    busy = true;
    var u = new URL("/phone/chat", location.href);
    u.searchParams.set("c", el.dataset.customer);
    u.searchParams.set("n", el.dataset.number);
    u.searchParams.set("v", el.dataset.version);
    u.searchParams.set("visible", document.visibilityState === "visible" ? "1" : "0");
    try {
      var r = await fetch(u, { cache: "no-store" });
      if (r.status === 200) {
        var stick = nearBottom(el);
        var openLists = Array.prototype.map.call(el.querySelectorAll("details[open]"), function (d) {
          var b = d.closest("[data-id]"); return b ? b.dataset.id : "";
        });
        var holder = document.createElement("div");
        holder.innerHTML = await r.text();
        var fresh = holder.firstElementChild;
        if (fresh) {
          openLists.forEach(function (id) {
            var d = fresh.querySelector('[data-id="' + id + '"] details');
            if (d) d.open = true;
          });
          el.replaceWith(fresh);
          if (stick) scrollDown();
        }
      }
    } catch (e) { /* the simulator may be restarting; try again */ }
    busy = false;
    timer = setTimeout(poll, 1000);
  }
  document.addEventListener("submit", async function (ev) {
    var form = ev.target;
    if (!form.matches("form[data-ajax]")) return;
    ev.preventDefault();
    var body = new FormData(form);
    var btn = form.querySelector("button[type=submit]");
    if (btn) btn.disabled = true;
    try {
      var r = await fetch(form.action, { method: "POST", body: body, headers: { "X-Requested-With": "fetch" } });
      if (!r.ok) { showError(await r.text()); } else {
        showError("");
        if (form.classList.contains("send") || form.classList.contains("sheet")) form.reset();
        var details = form.closest("details");
        if (details) details.open = false;
      }
    } catch (e) { showError("The simulator did not answer."); }
    if (btn) btn.disabled = false;
    poll();
    setTimeout(scrollDown, 300);
  });
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button.copy");
    if (b && navigator.clipboard) navigator.clipboard.writeText(b.dataset.code || "");
  });
  scrollDown();
  timer = setTimeout(poll, 1000);
})();
