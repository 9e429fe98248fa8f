// The waiting-room display: asks the server for the queue every VISITS_DISPLAY_POLL_MS
// with If-None-Match, so an unchanged queue costs a 304 with no body, and redraws only
// when a number was called.  Short requests: no server worker is held per open screen.
// Without JavaScript the page reloads itself every 5 seconds instead.  Its words come from the
// page (data-text-*), in the screen's language.
(function () {
  "use strict";

  var body = document.body;
  var url = body.getAttribute("data-state-url");
  var every = parseInt(body.getAttribute("data-poll-ms"), 10) || 1000;
  var etag = null;
  var failures = 0;
  var initial = document.querySelector("[data-initial-announce]");
  var announced = initial ? initial.getAttribute("data-initial-announce") : "";
  var statusLine = document.querySelector("[data-status]");
  var soundButton = document.querySelector("[data-sound]");
  var audio = null;
  var soundOn = false;
  var texts = {
    none: body.getAttribute("data-text-none") || "\u2013",
    soundOn: body.getAttribute("data-text-sound-on") || "\u266a",
    soundOff: body.getAttribute("data-text-sound-off") || "\u266a"
  };

  function field(name) { return document.querySelector("[data-field='" + name + "']"); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function render(state) {
    var called = field("called");
    called.replaceChildren();
    if (!state.called.length) {
      called.appendChild(element("p", "called called--none", "\u2013"));
    }
    state.called.forEach(function (item, index) {
      var row = element("p", index === 0 ? "called called--latest" : "called");
      row.appendChild(element("span", "called__code", item.code));
      row.appendChild(element("span", "called__service", item.service));
      called.appendChild(row);
    });
    var next = field("next");
    next.replaceChildren();
    if (!state.next.length) {
      next.appendChild(element("li", "next--none", texts.none));
    }
    state.next.forEach(function (code) { next.appendChild(element("li", "", code)); });
    field("waiting").textContent = String(state.waiting);
    field("time").textContent = state.time;
  }

  function chime() {
    if (!soundOn || !audio) { return; }
    var start = audio.currentTime + 0.05;
    [[784, 0], [587, 0.45]].forEach(function (note) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, start + note[1]);
      gain.gain.exponentialRampToValueAtTime(0.5, start + note[1] + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + note[1] + 1.2);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(start + note[1]);
      oscillator.stop(start + note[1] + 1.3);
    });
  }

  function highlight() {
    var latest = document.querySelector(".called--latest");
    if (latest) {
      latest.classList.remove("called--new");
      void latest.offsetWidth; // restart the animation
      latest.classList.add("called--new");
    }
  }

  function poll() {
    var headers = {};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        statusLine.hidden = true;
        if (state) {
          render(state);
          if (state.announce && state.announce !== announced) {
            announced = state.announce;
            highlight();
            chime();
          }
        }
      })
      .catch(function () {
        failures += 1;
        statusLine.hidden = failures < 5;
      })
      .then(function () {
        // Back off gently while the server is unreachable.
        window.setTimeout(poll, failures ? Math.min(every * (failures + 1), 10000) : every);
      });
  }

  function showSound() {
    soundButton.textContent = soundOn ? texts.soundOn : texts.soundOff;
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
  }

  if (soundButton && (window.AudioContext || window.webkitAudioContext)) {
    soundButton.hidden = false;
    soundButton.addEventListener("click", function () {
      if (!audio) { audio = new (window.AudioContext || window.webkitAudioContext)(); }
      soundOn = !soundOn;
      if (soundOn) { audio.resume(); chime(); }
      try { window.localStorage.setItem("pst-antrian-bunyi", soundOn ? "1" : "0"); } catch (e) { /* private mode */ }
      showSound();
    });
    try {
      if (window.localStorage.getItem("pst-antrian-bunyi") === "1") {
        // Browsers start audio only after a tap unless the screen's browser allows autoplay.
        audio = new (window.AudioContext || window.webkitAudioContext)();
        soundOn = true;
        audio.resume();
      }
    } catch (e) { /* no storage */ }
    showSound();
  }

  window.setTimeout(poll, every);
}());
