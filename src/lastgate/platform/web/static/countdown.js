// A time limit that counts down on the page (the dust sweep's quote): an element with
// data-countdown (the seconds left when the server answered) shows the time left each
// second in the page's words (data-left, "{time} left", filled with m:ss). When it is up
// it says so (data-up), shows the element named by data-expired-show (what to do next)
// and disables the button named by data-expired-disable. Counted from the server's
// seconds, not the device's clock; the server still refuses what has expired.
(function () {
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function clock(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = pad(seconds % 60);
    return hours ? hours + ":" + pad(minutes) + ":" + rest : minutes + ":" + rest;
  }
  function expire(el) {
    el.textContent = el.dataset.up || "";
    var next = document.getElementById(el.dataset.expiredShow || "");
    if (next) next.hidden = false;
    var button = document.getElementById(el.dataset.expiredDisable || "");
    if (button) button.disabled = true;
  }
  function start(el) {
    var total = parseInt(el.dataset.countdown, 10);
    if (isNaN(total)) return;
    var began = Date.now();
    var timer = null;
    function tick() {
      var left = total - Math.floor((Date.now() - began) / 1000);
      if (left > 0) {
        el.textContent = (el.dataset.left || "{time}").replace("{time}", clock(left));
        return;
      }
      if (timer !== null) clearInterval(timer);
      expire(el);
    }
    tick();
    if (total > 0) timer = setInterval(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-countdown]"), start);
  });
})();
