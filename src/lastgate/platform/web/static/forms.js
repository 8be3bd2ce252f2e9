// Optional: what was typed into a form survives a refusal. On submit the visible fields
// are kept in this tab's sessionStorage; an error page's "Go back to the form" goes back
// in the history and the form is filled in again; any other page forgets them. Secrets
// (passwords, one-time codes, files) and fields marked data-no-keep are never kept.
(function () {
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
      values[el.name + "#" + index] = (type === "checkbox" || type === "radio") ? el.checked : el.value;
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
        if (type === "checkbox" || type === "radio") el.checked = value; else el.value = value;
      });
    });
  }

  var onErrorPage = document.querySelector("[data-back]") !== null;
  var kept = null;
  try { kept = JSON.parse(storage.getItem(KEY) || "null"); } catch (e) { kept = null; }
  if (kept && kept.restore) restore(kept);
  if (!onErrorPage) storage.removeItem(KEY);

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
