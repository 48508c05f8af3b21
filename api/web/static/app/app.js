// The Navigator's tablet app. Every page works without this script; it adds
// what a tablet in the field needs:
// - hours entered without network are kept on the device (localStorage),
//   listed in #in-attesa (data-count: how many wait), and sent when the
//   network returns (the `online` event, each load, every 30 s), each with
//   its client_id, so that a resend never makes a second log;
// - the path's bars are read again with If-None-Match (a 304 costs nothing);
// - the service worker that lets the app open without network;
// - Question RdC: the FAQ entries matching the question being typed, and
//   the last copy of the FAQ kept on the device (localStorage), shown in
//   #faq-copia when the network is gone.
// <body data-sync> is "syncing" while entries are being sent, then "idle".
(function () {
  "use strict";
  var STORE = "navigator.in-attesa";
  var app = document.getElementById("app");
  if (!app) return;
  var body = document.body;
  var account = app.getAttribute("data-account") || "";
  var panel = document.getElementById("in-attesa");
  var banner = document.getElementById("connessione");
  var form = document.getElementById("modulo-ore");
  var bars = document.getElementById("percorso");
  var syncing = false;
  var signedOut = false;
  var barsTag = null;

  function newId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function load() {
    try {
      var list = JSON.parse(localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function store(list) {
    try { localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* full or denied */ }
  }

  function keep(entry) {
    var list = load();
    list.push(entry);
    store(list);
  }

  function forget(clientId) {
    store(load().filter(function (e) { return e.client_id !== clientId; }));
  }

  function refuse(clientId, errors) {
    store(load().map(function (e) {
      if (e.client_id === clientId) e.refused = errors;
      return e;
    }));
  }

  // Entries of the person signed in here (and those saved before anyone was).
  function mine(list, who) {
    return list.filter(function (e) { return !who || !e.account || e.account === who; });
  }

  function render() {
    if (!panel) return;
    var list = mine(load(), account);
    var waiting = list.filter(function (e) { return !e.refused; });
    panel.setAttribute("data-count", String(waiting.length));
    panel.hidden = list.length === 0;
    var status = panel.querySelector(".app-in-attesa-stato");
    var ul = panel.querySelector(".app-in-attesa-elenco");
    var words = "";
    if (waiting.length === 1) words = panel.getAttribute("data-one");
    else if (waiting.length > 1) words = panel.getAttribute("data-many").replace("{n}", String(waiting.length));
    if (waiting.length && signedOut) words += " " + panel.getAttribute("data-signed-out");
    status.textContent = words;
    ul.textContent = "";
    list.forEach(function (e) {
      var li = document.createElement("li");
      li.setAttribute("data-client-id", e.client_id);
      li.textContent = e.day + " · " + e.hours + " " + panel.getAttribute("data-hours") + " · " + e.activity;
      if (e.refused) {
        li.className = "app-rifiutata";
        var why = document.createElement("span");
        var reasons = Object.keys(e.refused).map(function (k) { return e.refused[k]; });
        why.textContent = " — " + panel.getAttribute("data-refused") + " " + reasons.join(" ");
        li.appendChild(why);
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-outline-secondary ms-2";
        discard.textContent = panel.getAttribute("data-discard");
        discard.addEventListener("click", function () { forget(e.client_id); render(); });
        li.appendChild(discard);
      }
      ul.appendChild(li);
    });
  }

  function showNetwork() {
    if (banner) banner.hidden = navigator.onLine !== false;
  }

  // Who is signed in, and this browser's anti-forgery token; null offline.
  function session() {
    return fetch("/app/sessione", {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }, function () { return null; });
  }

  // One entry to the server: done (logged now or before), refused (with
  // the refusals by field), signed-out, forged (a stale token) or retry.
  function send(entry, csrf) {
    var data = new URLSearchParams();
    data.set("csrf", csrf);
    data.set("client_id", entry.client_id);
    data.set("day", entry.day);
    data.set("hours", entry.hours);
    data.set("activity", entry.activity);
    return fetch("/app/ore", {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (b) { return { kind: "done", outcome: b.outcome }; },
          function () { return { kind: "done" }; });
      }
      if (r.status === 422 || r.status === 409) {
        return r.json().then(function (b) { return { kind: "refused", errors: b.errors || {} }; },
          function () { return { kind: "retry" }; });
      }
      if (r.status === 401) return { kind: "signed-out" };
      if (r.status === 403) {
        return r.json().then(function (b) { return { kind: b.error === "csrf" ? "forged" : "signed-out" }; },
          function () { return { kind: "retry" }; });
      }
      return { kind: "retry" };
    }, function () { return { kind: "retry" }; });
  }

  // Sends the entries waiting on this device, one after the other.
  function sync() {
    if (syncing) return Promise.resolve();
    var waiting = load().filter(function (e) { return !e.refused; });
    if (!waiting.length) {
      render();
      return Promise.resolve();
    }
    syncing = true;
    body.setAttribute("data-sync", "syncing");
    var sent = 0;
    return session().then(function (s) {
      if (!s) return null;
      signedOut = !s.signed_in;
      if (!s.signed_in) return null;
      var queue = mine(waiting, s.account);
      function next() {
        var entry = queue.shift();
        if (!entry) return null;
        return send(entry, s.csrf).then(function (res) {
          if (res.kind === "done") { forget(entry.client_id); sent += 1; return next(); }
          if (res.kind === "refused") { refuse(entry.client_id, res.errors); return next(); }
          if (res.kind === "signed-out") signedOut = true;
          return null;
        });
      }
      return next();
    }).then(function () {
      syncing = false;
      render();
      if (sent) refreshAfterSending();
      body.setAttribute("data-sync", "idle");
    }, function () {
      syncing = false;
      render();
      body.setAttribute("data-sync", "idle");
    });
  }

  function refreshList() {
    var list = document.getElementById("registrazioni");
    if (!list) return;
    fetch("/app/ore", { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("registrazioni");
        if (fresh) list.replaceWith(document.importNode(fresh, true));
      }, function () { /* offline again */ });
  }

  function pollPath() {
    if (!bars) return;
    var headers = { "Accept": "text/html" };
    if (barsTag) headers["If-None-Match"] = barsTag;
    fetch(bars.getAttribute("data-src"), { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (r) {
        if (r.status !== 200 || r.redirected) return;
        barsTag = r.headers.get("ETag");
        return r.text().then(function (html) { bars.innerHTML = html; });
      }, function () { /* offline */ });
  }

  function refreshAfterSending() {
    refreshList();
    pollPath();
  }

  // The form of the hours: kept on the device first, then sent; a refusal
  // comes back next to its field, a missing network leaves it waiting.
  function field(name) { return form.elements.namedItem(name); }

  function tell(words, kind) {
    var out = document.getElementById("esito");
    if (!out) return;
    out.className = "alert alert-" + kind;
    out.textContent = words;
    out.hidden = false;
  }

  function clearErrors() {
    ["day", "hours", "activity"].forEach(function (name) {
      var input = field(name);
      var error = document.getElementById(name + "-error");
      if (input) { input.classList.remove("is-invalid"); input.removeAttribute("aria-invalid"); }
      if (error) { error.textContent = ""; error.hidden = true; }
    });
    var out = document.getElementById("esito");
    if (out) out.hidden = true;
  }

  function showErrors(errors) {
    var others = [];
    Object.keys(errors).forEach(function (name) {
      var input = field(name);
      var error = document.getElementById(name + "-error");
      if (input && error && name !== "client_id") {
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", name + "-error");
        error.textContent = errors[name];
        error.hidden = false;
      } else {
        others.push(errors[name]);
      }
    });
    if (others.length) tell(others.join(" "), "danger");
  }

  if (form) {
    var idField = field("client_id");
    // A new id for each entry: a page kept by the service worker may be
    // opened many times, and each entry needs its own.
    idField.value = newId();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var entry = {
        client_id: idField.value || newId(),
        day: field("day").value,
        hours: field("hours").value,
        activity: field("activity").value.trim(),
        account: account,
        saved_at: new Date().toISOString()
      };
      // Kept before it is sent: an answer lost on the way loses nothing.
      keep(entry);
      idField.value = newId();
      render();
      syncing = true;
      body.setAttribute("data-sync", "syncing");
      send(entry, field("csrf").value).then(function (res) {
        if (res.kind !== "forged") return res;
        return session().then(function (s) {
          if (!s) return { kind: "retry" };
          if (!s.signed_in) return { kind: "signed-out" };
          return send(entry, s.csrf);
        });
      }).then(function (res) {
        if (res.kind === "done") {
          forget(entry.client_id);
          form.reset();
          idField.value = newId();
          tell(res.outcome === "replayed" ? form.getAttribute("data-replayed") : form.getAttribute("data-sent"), "success");
          refreshAfterSending();
        } else if (res.kind === "refused") {
          forget(entry.client_id);
          showErrors(res.errors);
        } else {
          if (res.kind === "signed-out") signedOut = true;
          form.reset();
          idField.value = newId();
          tell(form.getAttribute("data-saved"), "warning");
        }
        syncing = false;
        render();
        body.setAttribute("data-sync", "idle");
      });
    });
  }

  // ---------------------------------------------------------- Question RdC
  var FAQ_STORE = "navigator.faq";
  var FAQ_EVERY = 3600 * 1000;

  function faqItems(ul, items) {
    ul.textContent = "";
    items.forEach(function (f) {
      var li = document.createElement("li");
      li.setAttribute("data-id", f.id);
      var d = document.createElement("details");
      var s = document.createElement("summary");
      s.textContent = f.title;
      var p = document.createElement("p");
      p.className = "app-testo";
      p.textContent = f.answer;
      d.appendChild(s);
      d.appendChild(p);
      li.appendChild(d);
      ul.appendChild(li);
    });
  }

  function faqCopy() {
    try {
      var c = JSON.parse(localStorage.getItem(FAQ_STORE) || "null");
      return c && Array.isArray(c.items) && (!account || c.account === account) ? c : null;
    } catch (e) {
      return null;
    }
  }

  // The whole FAQ, kept on the device: on the FAQ's pages, or once an hour.
  function keepFaq(always) {
    if (!account || navigator.onLine === false) return;
    var kept = faqCopy();
    if (!always && kept && Date.now() - Date.parse(kept.saved_at) < FAQ_EVERY) return;
    fetch("/app/faq/copia", { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok && !r.redirected ? r.json() : null; })
      .then(function (b) {
        if (!b || !Array.isArray(b.items)) return;
        try {
          localStorage.setItem(FAQ_STORE, JSON.stringify({ account: b.account, saved_at: new Date().toISOString(), items: b.items }));
          body.setAttribute("data-faq", "kept");
        } catch (e) { /* full or denied */ }
      }, function () { /* offline */ });
  }

  // Without network, the kept copy instead of the page's own list.
  function showFaqCopy() {
    var section = document.getElementById("faq-copia");
    if (!section) return;
    var live = document.getElementById("faq-in-rete");
    var offline = navigator.onLine === false || !live;
    var copy = faqCopy();
    section.hidden = !offline || !copy;
    if (live) live.hidden = offline && !!copy;
    if (section.hidden) return;
    var ul = section.querySelector(".app-faq-elenco");
    var find = document.getElementById("faq-copia-cerca");
    section.querySelector(".app-faq-copia-data").textContent =
      section.getAttribute("data-saved") + " " + new Date(copy.saved_at).toLocaleString();
    function filter() {
      var words = find.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/\s+/).filter(Boolean);
      var shown = copy.items.filter(function (f) {
        var t = (f.title + " " + f.answer).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
        return words.every(function (w) { return t.indexOf(w) !== -1; });
      });
      faqItems(ul, shown);
      if (!shown.length) {
        var li = document.createElement("li");
        li.textContent = section.getAttribute("data-none");
        ul.appendChild(li);
      }
    }
    find.oninput = filter;
    filter();
  }

  // The FAQ entries that match the question being typed, asked after a
  // pause in the typing; an answer overtaken by newer typing is dropped.
  var askForm = document.getElementById("modulo-domanda");
  if (askForm) {
    var typed = askForm.elements.namedItem("testo");
    var box = document.getElementById("faq-suggerite");
    var pause = null;
    var asked = 0;
    var suggest = function () {
      var text = typed.value.trim();
      var mine = ++asked;
      if (text.length < 3) {
        box.hidden = true;
        box.setAttribute("data-count", "0");
        return;
      }
      fetch("/app/faq?q=" + encodeURIComponent(text.slice(0, 200)), {
        credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (b) {
          if (mine !== asked || !b || !Array.isArray(b.items)) return;
          box.textContent = "";
          var p = document.createElement("p");
          p.textContent = askForm.getAttribute(b.items.length ? "data-some" : "data-none");
          box.appendChild(p);
          var ul = document.createElement("ul");
          ul.className = "app-faq-elenco";
          faqItems(ul, b.items);
          box.appendChild(ul);
          box.setAttribute("data-count", String(b.items.length));
          box.hidden = false;
        }, function () { /* offline: no suggestions */ });
    };
    typed.addEventListener("input", function () {
      clearTimeout(pause);
      pause = setTimeout(suggest, 300);
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(function () { /* no offline shell */ });
  }
  window.addEventListener("online", function () { showNetwork(); sync(); pollPath(); showFaqCopy(); });
  window.addEventListener("offline", function () { showNetwork(); showFaqCopy(); });
  window.addEventListener("storage", function (e) { if (e.key === STORE) render(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { sync(); pollPath(); }
  });
  setInterval(sync, 30000);
  setInterval(pollPath, 60000);

  body.setAttribute("data-sync", "idle");
  showNetwork();
  render();
  sync();
  keepFaq(!!document.getElementById("faq-in-rete"));
  showFaqCopy();
})();
