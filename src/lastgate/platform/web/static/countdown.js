// Optional: a live cooling-off countdown. The page states the end time without it.
(function () {
  var el = document.querySelector(".countdown[data-ends-at]");
  if (!el) return;
  var ends = Date.parse(el.dataset.endsAt);
  // Count from the server's clock, not the browser's, so both agree.
  var skew = Date.parse(el.dataset.now) - Date.now();
  function tick() {
    var left = Math.max(0, ends - (Date.now() + skew));
    var d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24;
    var m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
    el.textContent = d + "d " + h + "h " + m + "m " + s + "s";
  }
  tick();
  setInterval(tick, 1000);
})();
