// The guest-book kiosk and its ticket: the next visitor never sees the previous one's data.
// - After VISITS_KIOSK_IDLE_SECONDS without a touch, a short warning, then an empty form.
// - A page brought back with Back/Forward starts over (it may hold what someone typed).
// - One tap sends the form once.  The ticket's "Cetak" button prints.
// The kiosk works without this file too (the pages refresh themselves, later).
(function () {
  "use strict";

  var body = document.body;
  var resetUrl = body.getAttribute("data-reset-url");

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  if (!resetUrl) {
    return;
  }

  function startOver() {
    // replace(): the page with typed data leaves the history too.
    window.location.replace(resetUrl);
  }

  var clean = body.hasAttribute("data-clean");

  window.addEventListener("pageshow", function (event) {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    var restored = event.persisted || (entries[0] && entries[0].type === "back_forward");
    if (!restored) {
      return;
    }
    if (clean) {
      document.querySelectorAll("form").forEach(function (form) { form.reset(); });
    } else {
      startOver();
    }
  });

  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        // After this tick, so the submission itself goes out.
        window.setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
      }
    });
  });

  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var overlay = document.getElementById("idle");
  if (!idleSeconds || !overlay) {
    return;
  }
  var countdownText = overlay.querySelector("[data-countdown]");
  var stayButton = overlay.querySelector("[data-stay]");
  var dirty = !clean;
  var idleTimer = null;
  var ticker = null;

  function schedule() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(warn, idleSeconds * 1000);
  }

  function warn() {
    var opened = document.querySelector("details[open]");
    if (!dirty && !opened) {
      schedule();
      return;
    }
    var left = parseInt(body.getAttribute("data-warn-seconds"), 10) || 10;
    countdownText.textContent = String(left);
    overlay.hidden = false;
    stayButton.focus();
    ticker = window.setInterval(function () {
      left -= 1;
      countdownText.textContent = String(Math.max(left, 0));
      if (left <= 0) {
        window.clearInterval(ticker);
        startOver();
      }
    }, 1000);
  }

  function stay() {
    window.clearInterval(ticker);
    overlay.hidden = true;
    schedule();
  }

  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (kind === "input") {
        dirty = true;
      }
      if (!overlay.hidden) {
        if (event.type !== "input") {
          stay();
        }
        return;
      }
      schedule();
    }, { capture: true, passive: true });
  });
  document.querySelectorAll("details").forEach(function (details) {
    details.addEventListener("toggle", function () { dirty = dirty || details.open; });
  });
  stayButton.addEventListener("click", stay);
  schedule();
}());
