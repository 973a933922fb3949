// wadesk sign-in security pages: recovery codes (copy, download as text)
// and passkeys (WebAuthn) to add one or to sign in with one. Loaded with
// <script defer> only on those pages; driven by data attributes:
//
//   data-copy-codes              copies the [data-recovery-codes] list
//   data-download-codes          saves it as wadesk-recovery-codes.txt
//   data-passkey-register="url"  on a form: POST url/options, create the
//                                credential, POST it (with the form's name) to url
//   data-passkey-login="url"     its button: POST url/options, get an assertion,
//                                POST it to url
//
// Errors show in the [data-passkey-error] element next to the control.
(function () {
  "use strict";

  function codesText() {
    var list = document.querySelector("[data-recovery-codes]");
    if (!list) return "";
    var codes = Array.prototype.map.call(list.querySelectorAll("li"), function (li) {
      return li.textContent.trim();
    });
    return "wadesk recovery codes for " + location.host + "\n" +
      "Each code signs you in once. Keep them somewhere safe.\n\n" + codes.join("\n") + "\n";
  }

  function say(msg) {
    var s = document.querySelector("[data-codes-status]");
    if (s) s.textContent = msg;
  }

  document.addEventListener("click", function (e) {
    var copy = e.target.closest("[data-copy-codes]");
    if (copy) {
      navigator.clipboard.writeText(codesText()).then(function () {
        say("Copied.");
      }, function () {
        say("Copying was refused; select the codes and copy them yourself.");
      });
      return;
    }
    var dl = e.target.closest("[data-download-codes]");
    if (dl) {
      var url = URL.createObjectURL(new Blob([codesText()], { type: "text/plain" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = "wadesk-recovery-codes.txt";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      say("Downloaded.");
    }
  });

  // base64url <-> ArrayBuffer, the encoding the server's JSON uses.
  function fromB64(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function toB64(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function showError(root, msg) {
    var el = root.querySelector("[data-passkey-error]");
    if (!el) return;
    el.textContent = msg;
    el.hidden = !msg;
  }

  function post(url, body, json) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": json ? "application/json" : "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: body
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.error || "wadesk could not do that. Reload the page and try again.");
        return data;
      });
    });
  }

  function explain(err) {
    if (err && err.name === "NotAllowedError") return "The passkey request was cancelled or timed out. Try again.";
    if (err && err.name === "InvalidStateError") return "This passkey is already registered.";
    return (err && err.message) || "Something went wrong with the passkey. Try again.";
  }

  function credentials(list) {
    return (list || []).map(function (c) {
      return { type: c.type, id: fromB64(c.id), transports: c.transports };
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-passkey-register]");
    if (!form) return;
    e.preventDefault();
    if (!window.PublicKeyCredential) {
      showError(form, "This browser cannot use passkeys.");
      return;
    }
    var url = form.getAttribute("data-passkey-register");
    var name = form.querySelector("[name=name]").value.trim();
    var button = form.querySelector("button[type=submit]");
    if (!name) {
      showError(form, "Give the passkey a name, such as Work laptop.");
      form.querySelector("[name=name]").focus();
      return;
    }
    showError(form, "");
    button.disabled = true;
    post(url + "/options", "name=" + encodeURIComponent(name)).then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = fromB64(pk.challenge);
      pk.user.id = fromB64(pk.user.id);
      pk.excludeCredentials = credentials(pk.excludeCredentials);
      return navigator.credentials.create({ publicKey: pk });
    }).then(function (cred) {
      return post(url, JSON.stringify({
        name: name,
        credential: {
          id: cred.id, rawId: toB64(cred.rawId), type: cred.type,
          authenticatorAttachment: cred.authenticatorAttachment || undefined,
          clientExtensionResults: cred.getClientExtensionResults(),
          response: {
            clientDataJSON: toB64(cred.response.clientDataJSON),
            attestationObject: toB64(cred.response.attestationObject),
            transports: cred.response.getTransports ? cred.response.getTransports() : []
          }
        }
      }), true);
    }).then(function (data) {
      location.assign(data.redirect || location.href);
    }).catch(function (err) {
      button.disabled = false;
      showError(form, explain(err));
    });
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-passkey-login] button");
    if (!button) return;
    var root = button.closest("[data-passkey-login]");
    var url = root.getAttribute("data-passkey-login");
    if (!window.PublicKeyCredential) {
      showError(root, "This browser cannot use passkeys. Use a code instead.");
      return;
    }
    showError(root, "");
    button.disabled = true;
    post(url + "/options", "").then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = fromB64(pk.challenge);
      pk.allowCredentials = credentials(pk.allowCredentials);
      return navigator.credentials.get({ publicKey: pk });
    }).then(function (cred) {
      return post(url, JSON.stringify({
        id: cred.id, rawId: toB64(cred.rawId), type: cred.type,
        authenticatorAttachment: cred.authenticatorAttachment || undefined,
        clientExtensionResults: cred.getClientExtensionResults(),
        response: {
          clientDataJSON: toB64(cred.response.clientDataJSON),
          authenticatorData: toB64(cred.response.authenticatorData),
          signature: toB64(cred.response.signature),
          userHandle: cred.response.userHandle ? toB64(cred.response.userHandle) : undefined
        }
      }), true);
    }).then(function (data) {
      location.assign(data.redirect || "/inbox");
    }).catch(function (err) {
      button.disabled = false;
      showError(root, explain(err));
    });
  });
})();
