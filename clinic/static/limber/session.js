/* The session player: timers, sound, vibration and an offline queue on top of the plain
 * form posts. No countdown starts without the patient: each hold waits for "Start hold"
 * (then a short get-ready), every countdown can be paused, a hold can be extended, and a
 * rest runs only between the repetitions or the sets of the exercise it belongs to (never
 * after a skip or after the exercise's last set). A clinic may switch on automatic flow,
 * which starts the get-ready by itself after a side switch or a rest. Each Done or Skip is queued in localStorage with its own client_id and sent
 * to the JSON API; a resend is safe because the server stores one record per client_id.
 * Without this file the page still works: Done and Skip post the forms. */
(function () {
  "use strict";

  var player = document.getElementById("player");
  if (!player || !window.fetch || !window.localStorage || !window.JSON) {
    return;
  }

  var GET_READY_SECONDS = 5;
  var EXTEND_SECONDS = 10;
  var RETRY_MS = 10000;
  var FLASH_MS = 1500;

  var data = player.dataset;

  /* Django's JavaScript catalog (/jsi18n/<language>.js, loaded first by base.html): how
   * the player joins two translated pieces, since each language punctuates them its own way
   * (French puts a space before a colon). Without the catalog, English. */
  var gettext = window.gettext || function (message) { return message; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, key) { return String(values[key]); });
  };
  function joined(format, values) {
    return interpolate(format, values, true);
  }
  var queueKey = "limber:queue:" + data.session;
  var painFlag = parseInt(data.painFlag, 10);
  var csrfInput = player.querySelector("input[name=csrfmiddlewaretoken]");
  var csrfToken = csrfInput ? csrfInput.value : "";

  var automatic = data.auto === "1";
  var positionKey = "limber:position:" + data.session;
  var soundKey = "limber:sound";

  var el = {
    status: document.getElementById("save-status"),
    announceProgress: document.getElementById("player-announce"),
    progress: document.getElementById("progress"),
    progressText: document.getElementById("progress-text"),
    unit: document.getElementById("unit"),
    timer: document.getElementById("timer"),
    phase: document.getElementById("timer-phase"),
    count: document.getElementById("timer-count"),
    hint: document.getElementById("timer-hint"),
    announce: document.getElementById("timer-announce"),
    start: document.getElementById("timer-start"),
    pause: document.getElementById("timer-pause"),
    resume: document.getElementById("timer-resume"),
    extend: document.getElementById("timer-extend"),
    sound: document.getElementById("sound-on"),
    advice: document.getElementById("session-advice"),
    actions: document.getElementById("unit-actions"),
    doneForm: document.getElementById("done-form"),
    doneButton: document.getElementById("done-button"),
    skipForm: document.getElementById("skip-form"),
    skip: document.getElementById("skip"),
    skipSummary: document.querySelector("#skip summary"),
    skipError: document.getElementById("skip-error"),
    finish: document.getElementById("finish"),
    finishTitle: document.getElementById("finish-title"),
    finishForm: document.getElementById("finish-form"),
    finishButton: document.getElementById("finish-button"),
    finishStatusSlot: document.getElementById("finish-status-slot"),
    painError: document.getElementById("pain-error"),
    painWarning: document.getElementById("pain-warning")
  };

  /* The page's language decides a count's form: "1 second", "2 seconds" (French: 0 and 1 take
     the singular). The page gives each counted sentence as data-t-<name>-one and -other. */
  var plurals = window.Intl && Intl.PluralRules
    ? new Intl.PluralRules(document.documentElement.lang || "en")
    : { select: function (n) { return n === 1 ? "one" : "other"; } };

  function text(name, values, count) {
    var key = "t" + name.charAt(0).toUpperCase() + name.slice(1);
    if (count !== undefined) {
      key += plurals.select(count) === "one" ? "One" : "Other";
    }
    var result = data[key] || "";
    Object.keys(values || {}).forEach(function (placeholder) {
      result = result.split("{" + placeholder + "}").join(String(values[placeholder]));
    });
    return result;
  }

  /* The routine, read from the page: each side of each set of each step is one unit. */
  var stepSections = Array.prototype.slice.call(player.querySelectorAll("section.step"));
  var steps = stepSections.map(function (section) {
    var d = section.dataset;
    return {
      id: parseInt(d.stepId, 10),
      name: d.name,
      hold: parseInt(d.hold, 10),
      reps: parseInt(d.reps, 10),
      repRest: parseInt(d.repRest, 10) || 0,
      sets: parseInt(d.sets, 10),
      setRest: parseInt(d.setRest, 10) || 0,
      sides: d.sides === "each" ? ["left", "right"] : ["both"],
      done: d.done ? d.done.split(" ") : []
    };
  });
  var units = [];
  var done = {};
  steps.forEach(function (step) {
    for (var set = 1; set <= step.sets; set += 1) {
      step.sides.forEach(function (side) {
        units.push({ step: step, set: set, side: side, key: step.id + ":" + set + ":" + side });
      });
    }
    step.done.forEach(function (setSide) {
      done[step.id + ":" + setSide] = true;
    });
  });

  /* The offline queue. */
  function loadQueue() {
    try {
      return JSON.parse(localStorage.getItem(queueKey)) || [];
    } catch (error) {
      return [];
    }
  }
  function saveQueue(queue) {
    if (queue.length) {
      localStorage.setItem(queueKey, JSON.stringify(queue));
    } else {
      localStorage.removeItem(queueKey);
    }
  }
  function enqueue(item) {
    var queue = loadQueue();
    queue.push(item);
    saveQueue(queue);
  }
  function dequeue(id) {
    saveQueue(loadQueue().filter(function (item) { return item.id !== id; }));
  }
  function unitKey(body) {
    return body.step + ":" + body.set_number + ":" + body.side;
  }
  loadQueue().forEach(function (item) {
    if (item.kind === "completion") {
      done[unitKey(item.body)] = true;
    }
  });

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function setStatus(message, kind) {
    el.status.textContent = message;
    el.status.className = "save-status" + (kind ? " " + kind : "");
  }

  var flushing = false;
  var sentSomething = false;

  function showUnsaved() {
    var finishQueued = loadQueue().some(function (item) { return item.kind === "finish"; });
    setStatus(finishQueued ? text("finishQueued") : text("offline"), "offline");
  }

  /* Errors come as {"code", "detail", "fields": {"field": ["message", ...]}} (docs/api.md). */
  function fieldMessages(body) {
    var fields = (body && body.fields) || {};
    var messages = [];
    Object.keys(fields).forEach(function (field) {
      messages = messages.concat(fields[field]);
    });
    return messages;
  }

  function firstError(body) {
    var messages = fieldMessages(body);
    if (!messages.length && body && body.detail) {
      messages.push(body.detail);
    }
    return messages.join(" ");
  }

  function refused(item, body) {
    dequeue(item.id);
    if (item.kind === "finish") {
      // Refused as a whole, not for a field: the session was already finished.
      if (body && body.code === "invalid" && !fieldMessages(body).length) {
        window.location.assign(data.sessionUrl);
        return;
      }
      finishLocked(false);
      el.painWarning.hidden = true;
    } else {
      delete done[unitKey(item.body)];
      render(true);
      waitForPatient("");
    }
    setStatus(firstError(body), "offline");
  }

  function flush() {
    var queue = loadQueue();
    if (flushing) {
      return;
    }
    if (!queue.length) {
      if (sentSomething) {
        setStatus(text("saved"));
      }
      return;
    }
    if (navigator.onLine === false) {
      showUnsaved();
      return;
    }
    var item = queue[0];
    flushing = true;
    setStatus(text("saving"));
    fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken
      },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      flushing = false;
      if (response.ok) {
        dequeue(item.id);
        sentSomething = true;
        if (item.kind === "finish") {
          window.location.assign(data.sessionUrl);
          return;
        }
        flush();
      } else if ([400, 404, 409].indexOf(response.status) !== -1) {
        response.json().then(function (body) { refused(item, body); }, function () {
          refused(item, null);
        });
      } else {
        setStatus(text("retry"), "offline");
      }
    }, function () {
      flushing = false;
      if (navigator.onLine === false) {
        showUnsaved();
      } else {
        setStatus(text("retry"), "offline");
      }
    });
  }

  /* Sound, vibration and a visible flash at the end of a hold or a rest. The audio context
   * is made (and resumed) on a tap of Begin or Start hold: phones allow sound only after
   * the user has touched the page. The patient can turn the sound off; the flash stays. */
  var audio = null;
  function soundOn() {
    return localStorage.getItem(soundKey) !== "off";
  }
  function prepareSound() {
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!audio && AudioContext) {
      try {
        audio = new AudioContext();
      } catch (error) {
        audio = null;
      }
    }
    if (audio && audio.state === "suspended" && audio.resume) {
      audio.resume().catch(function () {});
    }
  }
  function signal() {
    if (audio && soundOn()) {
      try {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.frequency.value = 880;
        gain.gain.value = 0.2;
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start();
        oscillator.stop(audio.currentTime + 0.3);
      } catch (error) {
        audio = null;
      }
    }
    if (navigator.vibrate) {
      try {
        navigator.vibrate(300);
      } catch (error) { /* not allowed without a recent tap: the flash still shows */ }
    }
    el.timer.classList.add("flash");
    window.setTimeout(function () { el.timer.classList.remove("flash"); }, FLASH_MS);
  }
  if (el.sound) {
    document.getElementById("sound-setting").hidden = false; // only useful with this script
    el.sound.checked = soundOn();
    el.sound.addEventListener("change", function () {
      if (el.sound.checked) {
        localStorage.removeItem(soundKey);
        prepareSound();
      } else {
        localStorage.setItem(soundKey, "off");
      }
    });
  }

  /* The screen stays awake while a session runs: a wake lock from the first tap on Begin
   * or Start hold until the end screen or until the page is hidden (the browser drops it
   * then anyway); it is asked for again when the patient comes back mid-session. */
  var wakeLock = null;
  var wantAwake = false;
  function keepAwake() {
    wantAwake = true;
    if (wakeLock || !navigator.wakeLock || document.visibilityState === "hidden") {
      return;
    }
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      if (lock.addEventListener) {
        lock.addEventListener("release", function () {
          if (wakeLock === lock) {
            wakeLock = null;
          }
        });
      }
      if (!wantAwake) {
        letSleep();
      }
    }, function () { wakeLock = null; });
  }
  function releaseLock() {
    if (wakeLock) {
      var lock = wakeLock;
      wakeLock = null;
      lock.release().catch(function () {});
    }
  }
  function letSleep() {
    wantAwake = false;
    releaseLock();
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      releaseLock();
    } else if (wantAwake && current) {
      keepAwake();
    }
  });

  /* The timer: one phase at a time (get ready, hold, a rest), each a countdown in whole
   * seconds that the patient can pause. Where the patient is in a phase is kept on this
   * device, so a reload resumes it (paused) instead of restarting the hold. */
  var current = null; // the unit on screen: {step, set, side, key}
  var ticker = null;
  var phase = null; // the running or paused countdown: {kind, rep, remaining}
  var paused = false;

  function announce(message) {
    el.announce.textContent = message;
  }

  function savePosition() {
    if (phase && current) {
      localStorage.setItem(positionKey, JSON.stringify({
        key: current.key, kind: phase.kind, rep: phase.rep, remaining: phase.remaining
      }));
    } else {
      localStorage.removeItem(positionKey);
    }
  }

  function loadPosition() {
    try {
      return JSON.parse(localStorage.getItem(positionKey));
    } catch (error) {
      return null;
    }
  }

  function stopTicker() {
    if (ticker !== null) {
      window.clearInterval(ticker);
      ticker = null;
    }
  }

  /* Which controls show, and which one is the single primary action, follow the state. */
  function showControls(state) {
    var focused = document.activeElement;
    var hadFocus = [el.start, el.pause, el.resume, el.extend].indexOf(focused) !== -1;
    el.start.hidden = state !== "waiting";
    el.pause.hidden = state !== "running";
    el.resume.hidden = state !== "paused";
    el.extend.hidden = !(phase && phase.kind === "hold" && (state === "running" || state === "paused"));
    el.doneButton.classList.toggle("primary", state === "held");
    el.doneButton.classList.toggle("secondary", state !== "held");
    el.timer.classList.toggle("holding", !!(phase && phase.kind === "hold"));
    el.timer.classList.toggle("paused", state === "paused");
    // A control that just disappeared hands focus to the one that now leads.
    if (hadFocus && focused.hidden) {
      primaryControl().focus();
    }
  }

  function phaseLabel() {
    var step = current.step;
    if (phase.kind === "ready") {
      return text("ready");
    }
    if (phase.kind === "hold") {
      return step.reps > 1 ? text("holdRep", { n: phase.rep, total: step.reps }) : text("hold");
    }
    if (phase.kind === "repRest") {
      return text("restReps");
    }
    return text("restSets");
  }

  function showPhase() {
    el.phase.textContent = paused
      ? joined(gettext("%(state)s: %(phase)s"), { state: text("paused"), phase: phaseLabel() })
      : phaseLabel();
    el.count.textContent = String(phase.remaining);
    el.hint.textContent = phase.kind === "repRest"
      ? text("nextRep", { n: phase.rep + 1, total: current.step.reps })
      : phase.kind === "setRest" ? text("nextSet", { n: current.set, total: current.step.sets }) : "";
  }

  function waitForPatient(label, hint) {
    stopTicker();
    phase = null;
    paused = false;
    savePosition();
    el.phase.textContent = label || text("waiting");
    el.count.textContent = "";
    el.hint.textContent = hint || "";
    showControls("waiting");
  }

  function held() {
    stopTicker();
    phase = null;
    paused = false;
    savePosition();
    el.phase.textContent = text("held");
    el.count.textContent = "";
    el.hint.textContent = "";
    announce(text("held"));
    showControls("held");
  }

  function tick() {
    phase.remaining -= 1;
    if (phase.remaining > 0) {
      el.count.textContent = String(phase.remaining);
      savePosition();
    } else {
      stopTicker();
      phaseOver();
    }
  }

  function run(kind, rep, seconds) {
    stopTicker();
    phase = { kind: kind, rep: rep, remaining: seconds };
    paused = false;
    showPhase();
    savePosition();
    showControls("running");
    ticker = window.setInterval(tick, 1000);
  }

  function startPhase(kind, rep) {
    var step = current.step;
    if (kind === "ready") {
      announce(text("ready"));
      run("ready", rep, GET_READY_SECONDS);
    } else if (kind === "hold") {
      var label = step.reps > 1 ? text("holdRep", { n: rep, total: step.reps }) : text("hold");
      announce(joined(gettext("%(what)s. %(how_long)s"), {
        what: label, how_long: text("holdFor", { seconds: step.hold }, step.hold)
      }));
      run("hold", rep, step.hold);
    } else if (kind === "repRest") {
      announce(text("restFor", { seconds: step.repRest }, step.repRest));
      run("repRest", rep, step.repRest);
    } else {
      announce(text("restFor", { seconds: step.setRest }, step.setRest));
      run("setRest", rep, step.setRest);
    }
  }

  /* What follows the end of a countdown. */
  function phaseOver() {
    var step = current.step;
    var ended = phase;
    phase = null;
    if (ended.kind === "ready") {
      startPhase("hold", ended.rep);
    } else if (ended.kind === "hold") {
      signal();
      if (ended.rep < step.reps && step.repRest > 0) {
        startPhase("repRest", ended.rep);
      } else if (ended.rep < step.reps) {
        startPhase("hold", ended.rep + 1);
      } else {
        held();
      }
    } else if (ended.kind === "repRest") {
      signal();
      startPhase("hold", ended.rep + 1);
    } else {
      signal();
      afterPause(text("restOver"));
    }
  }

  /* After a side switch or a rest between sets: wait for the patient, unless the clinic
   * chose automatic flow. */
  function afterPause(label) {
    if (automatic) {
      announce(label);
      startPhase("ready", 1);
    } else {
      announce(joined(gettext("%(what)s %(next)s"), { what: label, next: text("pressStart") }));
      waitForPatient(label, text("pressStart"));
    }
  }

  function pause() {
    if (!phase || paused) {
      return;
    }
    stopTicker();
    paused = true;
    showPhase();
    showControls("paused");
    announce(text("paused"));
    el.resume.focus();
  }

  function resume() {
    if (!phase || !paused) {
      return;
    }
    paused = false;
    showPhase();
    showControls("running");
    announce(text("resumed"));
    ticker = window.setInterval(tick, 1000);
    el.pause.focus();
  }

  function extend() {
    if (!phase || phase.kind !== "hold") {
      return;
    }
    phase.remaining += EXTEND_SECONDS;
    el.count.textContent = String(phase.remaining);
    savePosition();
    announce(text("extended", { seconds: phase.remaining }, phase.remaining));
  }

  /* Between units: a side switch waits for the patient; the next set of the same exercise
   * rests first (rest between sets); a new exercise, or anything after a skip, just waits. */
  function transition(previous, status) {
    if (status === "done" && previous.step === current.step && previous.set === current.set) {
      afterPause(text(current.side === "left" ? "switchLeft" : "switchRight"));
    } else if (status === "done" && previous.step === current.step && previous.step.setRest > 0) {
      startPhase("setRest", 1);
    } else if (previous.step === current.step) {
      afterPause(text("nextSetReady", { n: current.set, total: current.step.sets }));
    } else if (automatic) {
      startPhase("ready", 1);
    } else {
      waitForPatient("");
    }
  }

  function showOnly(selector, stepId) {
    Array.prototype.forEach.call(player.querySelectorAll(selector), function (node) {
      node.hidden = parseInt(node.dataset.stepId, 10) !== stepId;
    });
  }

  function unitWords(unit) {
    var parts = [];
    if (unit.step.sets > 1) {
      parts.push(text("set", { n: unit.set, total: unit.step.sets }));
    }
    if (unit.side !== "both") {
      parts.push(text(unit.side));
    }
    return parts.join(" · ");
  }

  function finishLocked(locked) {
    if (locked) {
      el.finishButton.setAttribute("aria-disabled", "true");
    } else {
      el.finishButton.removeAttribute("aria-disabled");
    }
  }

  /* Show the first unit not done yet, or the end screen. */
  function render(moveFocus) {
    var previous = current;
    current = null;
    for (var i = 0; i < units.length; i += 1) {
      if (!done[units[i].key]) {
        current = units[i];
        break;
      }
    }
    var count = units.filter(function (unit) { return done[unit.key]; }).length;
    el.progress.value = count;
    el.progressText.textContent = text("progress", { done: count, total: units.length });
    if (!current) {
      stopTicker();
      phase = null;
      savePosition();
      letSleep();
      showOnly("section.step, section.step-details", -1);
      el.unit.hidden = true;
      el.timer.hidden = true;
      el.actions.hidden = true;
      if (el.advice) {
        el.advice.hidden = true;
      }
      el.finish.hidden = false;
      // The saving notice goes where the patient now looks: beside the Finish button.
      el.finishStatusSlot.appendChild(el.status);
      if (loadQueue().some(function (item) { return item.kind === "finish"; })) {
        finishLocked(true);
      }
      if (moveFocus) {
        el.finishTitle.focus();
      }
      return;
    }
    var step = current.step;
    showOnly("section.step, section.step-details", step.id);
    var words = unitWords(current);
    el.unit.textContent = words;
    el.unit.hidden = !words;
    el.timer.hidden = false;
    el.actions.hidden = false;
    el.finish.hidden = true;
    el.skipError.textContent = "";
    if (moveFocus && (!previous || previous.step !== step)) {
      var heading = player.querySelector(
        'section.step[data-step-id="' + step.id + '"] .step-title'
      );
      if (heading) {
        heading.focus();
      }
    }
  }

  function record(status, reason) {
    if (!current) {
      return;
    }
    var unit = current;
    var id = newId();
    enqueue({
      id: id,
      kind: "completion",
      url: data.completionsUrl,
      body: {
        client_id: id,
        step: unit.step.id,
        set_number: unit.set,
        side: unit.side,
        status: status,
        skip_reason: reason || "",
        recorded_at: new Date().toISOString()
      }
    });
    done[unit.key] = true;
    stopTicker();
    phase = null;
    el.start.textContent = text("startHold");
    el.skip.open = false;
    if (el.advice) {
      el.advice.hidden = true;
    }
    render(true);
    var count = units.filter(function (u) { return done[u.key]; }).length;
    var what = unitWords(unit);
    el.announceProgress.textContent = text(status === "done" ? "unitDone" : "unitSkipped", {
      name: what
        ? joined(gettext("%(exercise)s (%(part)s)"), { exercise: unit.step.name, part: what })
        : unit.step.name,
      done: count,
      total: units.length
    });
    if (current) {
      transition(unit, status);
      // Focus stays on a visible control: the new exercise's title (set in render), or,
      // on the same exercise, the control that now leads (never the closed Skip choices).
      if (unit.step === current.step) {
        primaryControl().focus();
      }
    }
    flush();
  }

  function primaryControl() {
    if (!el.start.hidden) {
      return el.start;
    }
    if (!el.pause.hidden) {
      return el.pause;
    }
    if (!el.resume.hidden) {
      return el.resume;
    }
    return el.doneButton;
  }

  el.start.addEventListener("click", function () {
    prepareSound();
    keepAwake();
    el.start.textContent = text("startHold");
    startPhase("ready", 1);
    el.pause.focus();
  });
  el.pause.addEventListener("click", pause);
  el.resume.addEventListener("click", function () {
    prepareSound();
    keepAwake();
    resume();
  });
  el.extend.addEventListener("click", extend);

  /* A double tap or a held-down Enter would otherwise mark the next side or set done too. */
  el.doneButton.addEventListener("click", function (event) {
    if (event.detail > 1) {
      event.preventDefault();
    }
  });
  el.doneButton.addEventListener("keydown", function (event) {
    if (event.repeat) {
      event.preventDefault();
    }
  });

  el.doneForm.addEventListener("submit", function (event) {
    event.preventDefault();
    prepareSound();
    record("done");
  });

  /* Escape closes the Skip choices and gives focus back to their summary. */
  el.skip.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && el.skip.open) {
      event.preventDefault();
      el.skip.open = false;
      el.skipSummary.focus();
    }
  });

  el.skipForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = el.skipForm.querySelector("input[name=skip_reason]:checked");
    if (!reason) {
      el.skipError.textContent = text("skipReason");
      el.skipForm.querySelector("input[name=skip_reason]").focus();
      return;
    }
    reason.checked = false;
    record("skipped", reason.value);
  });

  el.finishForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (el.finishButton.getAttribute("aria-disabled") === "true") {
      return; // already queued: it is sent when the phone is back online
    }
    var pain = el.finishForm.querySelector("input[name=pain]:checked");
    if (!pain) {
      el.painError.textContent = text("pain");
      el.finishForm.querySelector("input[name=pain]").focus();
      return;
    }
    el.painError.textContent = "";
    var effort = el.finishForm.querySelector("input[name=effort]:checked");
    var id = newId();
    enqueue({
      id: id,
      kind: "finish",
      url: data.finishUrl,
      body: {
        pain: parseInt(pain.value, 10),
        effort: effort ? effort.value : "",
        note: el.finishForm.querySelector("textarea[name=note]").value
      }
    });
    finishLocked(true);
    el.painWarning.hidden = parseInt(pain.value, 10) < painFlag;
    flush();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    if (loadQueue().length) {
      showUnsaved();
    }
  });
  window.setInterval(flush, RETRY_MS);

  player.classList.add("enhanced");
  render(false);
  /* Back where the patient was in a countdown before a reload, paused until they resume. */
  var saved = loadPosition();
  if (current && saved && saved.key === current.key && saved.remaining > 0) {
    phase = { kind: saved.kind, rep: saved.rep || 1, remaining: saved.remaining };
    paused = true;
    showPhase();
    showControls("paused");
  } else {
    waitForPatient("");
  }
  flush();
}());
