// The counter console follows the queue: a new visitor at the kiosk or an action at another
// desk reloads the page, unless staff are in the middle of choosing or typing something.
(function () {
  "use strict";

  var bar = document.querySelector("[data-version-url]");
  if (!bar) { return; }
  var url = bar.getAttribute("data-version-url");
  var etag = '"' + bar.getAttribute("data-version") + '"';
  var busySince = 0;

  document.addEventListener("input", function () { busySince = Date.now(); }, true);
  document.addEventListener("focusin", function () { busySince = Date.now(); }, true);

  function busy() {
    var active = document.activeElement;
    var typing = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    return typing || Date.now() - busySince < 15000;
  }

  function check() {
    fetch(url, { headers: { "If-None-Match": etag }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 204 && response.headers.get("ETag") && response.headers.get("ETag") !== etag) {
          if (!busy()) {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(check, 3000);
      })
      .catch(function () { window.setTimeout(check, 10000); });
  }
  window.setTimeout(check, 3000);
}());
