// Optional: "Go back to the form" goes back in the history, so the browser keeps what
// was typed. Without this script the link opens its own address (the start page).
(function () {
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
})();
