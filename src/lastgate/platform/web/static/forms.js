// Optional: what was typed into a form survives a refusal. On submit the visible fields
// are kept in this tab's sessionStorage; an error page's "Go back to the form" goes back
// in the history and the form is filled in again; any other page forgets them. Secrets
// (passwords, one-time codes, files) and fields marked data-no-keep are never kept.
// Control characters other than tab, line feed and carriage return (the input guard's
// refusal, input_guard.py, often from pasted text) are neither kept nor put back.
// A form sent with POST is sent once: its submit buttons are disabled just after the
// submission (a double click would send it twice) and enabled again when the page comes
// back from the back/forward cache.
(function () {
  var CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
  function clean(value) {
    return typeof value === "string" ? value.replace(CONTROLS, "") : value;
  }

  function posts(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post";
  }
  function buttonsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      return (el.tagName === "BUTTON" || el.tagName === "INPUT") && (type === "submit" || type === "image");
    });
  }
  function release(form) {
    delete form.dataset.sent;
    buttonsOf(form).forEach(function (button) {
      if (button.hasAttribute("data-sent-disabled")) {
        button.removeAttribute("data-sent-disabled");
        button.disabled = false;
      }
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !posts(form)) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    if (event.defaultPrevented) return;
    form.dataset.sent = "1";
    // After the event: the clicked button's name and value are still part of what is sent.
    window.setTimeout(function () {
      buttonsOf(form).forEach(function (button) {
        if (!button.disabled) { button.disabled = true; button.setAttribute("data-sent-disabled", ""); }
      });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-sent]").forEach(release);
  });

  var KEY = "lastgate-form";
  var storage;
  try { storage = window.sessionStorage; } catch (e) { return; }
  if (!storage) return;

  function keepable(el) {
    if (!el.name || el.disabled || el.hasAttribute("data-no-keep")) return false;
    if (el.closest("form[data-no-keep]")) return false;
    var type = (el.type || "").toLowerCase();
    if (["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) >= 0) return false;
    return (el.autocomplete || "") !== "one-time-code";
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, keepable);
  }

  function save(form) {
    var values = {};
    fieldsOf(form).forEach(function (el, index) {
      var type = (el.type || "").toLowerCase();
      values[el.name + "#" + index] = (type === "checkbox" || type === "radio") ? el.checked : clean(el.value);
    });
    storage.setItem(KEY, JSON.stringify({action: form.getAttribute("action"), page: location.pathname, values: values}));
  }

  function restore(kept) {
    if (kept.page !== location.pathname) return;
    document.querySelectorAll("form").forEach(function (form) {
      if (form.getAttribute("action") !== kept.action) return;
      fieldsOf(form).forEach(function (el, index) {
        var value = kept.values[el.name + "#" + index];
        if (value === undefined) return;
        var type = (el.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio") el.checked = value; else el.value = clean(value);
      });
    });
  }

  function cleanFields() {
    document.querySelectorAll("form").forEach(function (form) {
      fieldsOf(form).forEach(function (el) {
        var type = (el.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio" || el.tagName === "SELECT") return;
        var cleaned = clean(el.value);
        if (cleaned !== el.value) el.value = cleaned;
      });
    });
  }

  var onErrorPage = document.querySelector("[data-back]") !== null;
  var kept = null;
  function arrive() {
    try { kept = JSON.parse(storage.getItem(KEY) || "null"); } catch (e) { kept = null; }
    if (!onErrorPage) storage.removeItem(KEY);
  }
  function fill() {
    if (kept && kept.restore) restore(kept);
    cleanFields();
  }
  arrive();
  fill();
  // A page shown again from the history gets its fields back from the browser after the
  // load event (with what was typed, invisible characters and all), one from the
  // back/forward cache as it was left: fill them in again once it is shown.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) arrive();
    fill();
  });

  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement) save(event.target);
  });
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length < 2) return;
      event.preventDefault();
      if (kept) { kept.restore = true; storage.setItem(KEY, JSON.stringify(kept)); }
      window.history.back();
    });
  });
})();
