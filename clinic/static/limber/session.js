/* The session player: timers, sound, vibration and an offline queue on top of the plain
 * form posts. Each Done or Skip is queued in localStorage with its own client_id and sent
 * to the JSON API; a resend is safe because the server stores one record per client_id.
 * Without this file the page still works: Done and Skip post the forms. */
(function () {
  "use strict";

  var player = document.getElementById("player");
  if (!player || !window.fetch || !window.localStorage || !window.JSON) {
    return;
  }

  var GET_READY_SECONDS = 5;
  var SWITCH_SECONDS = 5;
  var RELAX_SECONDS = 5;
  var RETRY_MS = 10000;

  var data = player.dataset;
  var queueKey = "limber:queue:" + data.session;
  var painFlag = parseInt(data.painFlag, 10);
  var csrfInput = player.querySelector("input[name=csrfmiddlewaretoken]");
  var csrfToken = csrfInput ? csrfInput.value : "";

  var el = {
    status: document.getElementById("save-status"),
    progress: document.getElementById("progress"),
    progressText: document.getElementById("progress-text"),
    unit: document.getElementById("unit"),
    timer: document.getElementById("timer"),
    phase: document.getElementById("timer-phase"),
    count: document.getElementById("timer-count"),
    announce: document.getElementById("timer-announce"),
    start: document.getElementById("timer-start"),
    actions: document.getElementById("unit-actions"),
    doneForm: document.getElementById("done-form"),
    doneButton: document.getElementById("done-button"),
    skipForm: document.getElementById("skip-form"),
    skip: document.getElementById("skip"),
    skipError: document.getElementById("skip-error"),
    finish: document.getElementById("finish"),
    finishTitle: document.getElementById("finish-title"),
    finishForm: document.getElementById("finish-form"),
    finishButton: document.getElementById("finish-button"),
    painError: document.getElementById("pain-error"),
    painWarning: document.getElementById("pain-warning")
  };

  function text(name, values) {
    var key = "t" + name.charAt(0).toUpperCase() + name.slice(1);
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
      hold: parseInt(d.hold, 10),
      reps: parseInt(d.reps, 10),
      sets: parseInt(d.sets, 10),
      sides: d.sides === "each" ? ["left", "right"] : ["both"],
      rest: parseInt(d.rest, 10),
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
      el.finishButton.disabled = false;
      el.painWarning.hidden = true;
    } else {
      delete done[unitKey(item.body)];
      render(true);
      idle();
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

  /* Sound and vibration at the end of each hold. The audio context is made on the first
   * press of Begin, as browsers allow sound only after the user has interacted. */
  var audio = null;
  function prepareSound() {
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!audio && AudioContext) {
      try {
        audio = new AudioContext();
      } catch (error) {
        audio = null;
      }
    }
  }
  function signal() {
    if (audio) {
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
      navigator.vibrate(300);
    }
  }

  /* The timer: a chain of phases, each a countdown in whole seconds. */
  var ticker = null;
  var current = null;

  function announce(message) {
    el.announce.textContent = message;
  }

  function stopTimer() {
    if (ticker !== null) {
      window.clearInterval(ticker);
      ticker = null;
    }
    el.timer.classList.remove("holding");
  }

  var idleLabel = el.phase.textContent;
  function idle() {
    stopTimer();
    el.phase.textContent = idleLabel;
    el.count.textContent = "";
    el.start.hidden = false;
  }

  function countdown(label, seconds, then) {
    stopTimer();
    var remaining = seconds;
    el.phase.textContent = label;
    el.count.textContent = String(remaining);
    el.start.hidden = true;
    ticker = window.setInterval(function () {
      remaining -= 1;
      if (remaining > 0) {
        el.count.textContent = String(remaining);
      } else {
        stopTimer();
        then();
      }
    }, 1000);
  }

  function hold(rep) {
    var step = current.step;
    var label = step.reps > 1 ? text("holdRep", { n: rep, total: step.reps }) : text("hold");
    announce(label + ". " + text("holdFor", { seconds: step.hold }));
    countdown(label, step.hold, function () {
      signal();
      if (rep < step.reps) {
        announce(text("relax"));
        countdown(text("relax"), RELAX_SECONDS, function () { hold(rep + 1); });
      } else {
        el.phase.textContent = text("held");
        el.count.textContent = "";
        announce(text("held"));
      }
    });
    el.timer.classList.add("holding");
  }

  function getReady() {
    announce(text("ready"));
    countdown(text("ready"), GET_READY_SECONDS, function () { hold(1); });
  }

  /* Between units: a side switch, a rest between sets, or a rest before the next step. */
  function transition(previous) {
    if (previous.step === current.step && previous.set === current.set) {
      var prompt = text(current.side === "left" ? "switchLeft" : "switchRight");
      announce(prompt);
      countdown(prompt, SWITCH_SECONDS, function () { hold(1); });
    } else if (previous.step.rest > 0) {
      announce(text("restFor", { seconds: previous.step.rest }));
      countdown(text("rest"), previous.step.rest, function () {
        if (previous.step === current.step) {
          hold(1);
        } else {
          getReady();
        }
      });
    } else {
      getReady();
    }
  }

  function showOnly(selector, stepId) {
    Array.prototype.forEach.call(player.querySelectorAll(selector), function (node) {
      node.hidden = parseInt(node.dataset.stepId, 10) !== stepId;
    });
  }

  /* Show the first unit not done yet, or the end screen. */
  function render(focusStep) {
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
      stopTimer();
      showOnly("section.step, section.step-details", -1);
      el.unit.hidden = true;
      el.timer.hidden = true;
      el.actions.hidden = true;
      el.finish.hidden = false;
      if (loadQueue().some(function (item) { return item.kind === "finish"; })) {
        el.finishButton.disabled = true;
      }
      if (previous) {
        el.finishTitle.focus();
      }
      return;
    }
    var step = current.step;
    showOnly("section.step, section.step-details", step.id);
    var parts = [];
    if (step.sets > 1) {
      parts.push(text("set", { n: current.set, total: step.sets }));
    }
    if (current.side !== "both") {
      parts.push(text(current.side));
    }
    el.unit.textContent = parts.join(" · ");
    el.unit.hidden = !parts.length;
    el.timer.hidden = false;
    el.actions.hidden = false;
    el.finish.hidden = true;
    el.skip.open = false;
    el.skipError.textContent = "";
    if (focusStep && (!previous || previous.step !== step)) {
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
    stopTimer();
    render(true);
    if (current) {
      transition(unit);
    }
    flush();
  }

  el.start.addEventListener("click", function () {
    prepareSound();
    getReady();
    el.doneButton.focus();
  });

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
    el.finishButton.disabled = true;
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
  flush();
}());
