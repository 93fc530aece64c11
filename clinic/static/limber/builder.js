// The routine builder's one form: Add, Move and Remove rearrange the rows in the page (no
// request, so unsaved edits stay), drag and drop by the handle does the same, and Save sends
// everything at once. Without this script the same buttons submit the form and the server
// rearranges the rows, still unsaved. Each change is announced in #builder-status (a live
// region present on load) and leaves focus on a visible element. Leaving with unsaved
// changes asks first; Preview offers to save before showing what is saved.
(function () {
  "use strict";

  const form = document.getElementById("routine-form");
  if (!form) return;
  const list = document.getElementById("steps");
  const status = document.getElementById("builder-status");
  const template = document.getElementById("step-template");
  const total = form.querySelector("input[name='steps-TOTAL_FORMS']");
  const note = document.getElementById("unsaved-note");
  let dirty = form.dataset.unsaved === "true";
  let submitting = false;

  // Django's JavaScript catalog (/jsi18n/<language>.js, loaded first by base.html).
  const ngettext = window.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural));

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
  }

  function announce(text) {
    // Cleared first so the same message twice is read twice.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = text;
    }, 60);
  }

  function markDirty() {
    dirty = true;
    note.hidden = false;
  }

  const rows = () => Array.from(list.querySelectorAll("li[data-row]"));
  const shownRows = () => rows().filter((row) => !row.hidden);
  const nameOf = (row) => row.querySelector("[data-name]").textContent.trim();

  function renumber() {
    rows().forEach((row, index) => {
      row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach((element) => {
        for (const attribute of ["name", "id", "for", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value && value.includes("steps-")) {
            element.setAttribute(
              attribute,
              value.replace(/steps-(\d+|__prefix__)-/g, "steps-" + index + "-"),
            );
          }
        }
      });
      const up = row.querySelector("[data-move='up']");
      const down = row.querySelector("[data-move='down']");
      const remove = row.querySelector("[data-remove]");
      up.value = index + ":up";
      up.id = "up-" + index;
      down.value = index + ":down";
      down.id = "down-" + index;
      remove.value = String(index);
      remove.id = "remove-" + index;
    });
    total.value = String(rows().length);
    document.getElementById("no-steps").hidden = shownRows().length > 0;
  }

  function show(element) {
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "center" });
  }

  function move(row, direction) {
    const shown = shownRows();
    const from = shown.indexOf(row);
    const to = direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= shown.length) return;
    const other = shown[to];
    list.insertBefore(row, direction === "up" ? other : other.nextSibling);
    renumber();
    markDirty();
    // The same button, unless the step reached the end it was moving to.
    const atEnd = to === 0 || to === shown.length - 1;
    const keep = atEnd ? (direction === "up" ? "down" : "up") : direction;
    show(row.querySelector("[data-move='" + keep + "']"));
    announce(format(form.dataset.moved, { name: nameOf(row), n: to + 1, total: shown.length }));
  }

  function remove(row) {
    const shown = shownRows();
    const place = shown.indexOf(row);
    const name = nameOf(row);
    if (row.querySelector("input[name$='-id']").value) {
      // A saved step: removed when the form is saved (archived if it was ever done).
      row.hidden = true;
      row.querySelector("input[name$='-remove']").value = "True";
    } else {
      row.remove();
    }
    renumber();
    markDirty();
    const rest = shownRows();
    const next = rest[place] || rest[place - 1];
    show(next ? next.querySelector(".step-title") : document.getElementById("steps-title"));
    announce(format(form.dataset.removed, { name: name }));
  }

  function add(button) {
    const row = template.content.firstElementChild.cloneNode(true);
    const name = button.dataset.name;
    row.querySelector("[data-name]").textContent = name;
    row.querySelector("input[name$='-exercise']").value = button.value;
    const defaults = JSON.parse(button.dataset.defaults || "{}");
    for (const [field, value] of Object.entries(defaults)) {
      const input = row.querySelector("[name$='-" + field + "']");
      if (input) input.value = value;
    }
    row.querySelector("[data-move='up']").setAttribute(
      "aria-label",
      format(row.dataset.labelUp, { name: name }),
    );
    row.querySelector("[data-move='down']").setAttribute(
      "aria-label",
      format(row.dataset.labelDown, { name: name }),
    );
    row.querySelector("[data-remove]").setAttribute(
      "aria-label",
      format(row.dataset.labelRemove, { name: name }),
    );
    list.insertBefore(row, document.getElementById("no-steps"));
    renumber();
    markDirty();
    show(row.querySelector(".grid input, .grid select"));
    announce(format(form.dataset.added, { name: name, n: shownRows().length }));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.matches("[data-add]")) {
      event.preventDefault();
      add(button);
    } else if (form.contains(button) && button.matches("[data-move]")) {
      event.preventDefault();
      move(button.closest("li"), button.dataset.move);
    } else if (form.contains(button) && button.matches("[data-remove]")) {
      event.preventDefault();
      remove(button.closest("li"));
    }
  });

  // Enter in a field saves (the form's first submit button would otherwise be a Move).
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input:not([type='checkbox'])")) {
      event.preventDefault();
      form.requestSubmit(document.getElementById("save-routine"));
    }
  });

  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  const preview = document.getElementById("preview-link");
  if (preview) {
    preview.addEventListener("click", (event) => {
      if (!dirty) return;
      event.preventDefault();
      if (window.confirm(form.dataset.confirmPreview)) {
        const then = document.createElement("input");
        then.type = "hidden";
        then.name = "then";
        then.value = "preview";
        form.appendChild(then);
        form.requestSubmit(document.getElementById("save-routine"));
      }
    });
  }

  // Drag and drop by the handle (the Up and Down buttons are the keyboard's way).
  let dragged = null;
  list.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest(".drag-handle");
    if (handle) handle.closest("li[data-row]").draggable = true;
  });
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li[data-row]");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", nameOf(dragged));
    dragged.classList.add("dragging");
  });
  list.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();
    const over = event.target.closest("li[data-row]");
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", (event) => event.preventDefault());
  list.addEventListener("dragend", () => {
    if (!dragged) return;
    const row = dragged;
    dragged = null;
    row.classList.remove("dragging");
    row.draggable = false;
    renumber();
    markDirty();
    const shown = shownRows();
    announce(
      format(form.dataset.moved, {
        name: nameOf(row),
        n: shown.indexOf(row) + 1,
        total: shown.length,
      }),
    );
    show(row.querySelector(".step-title"));
  });

  // Search results replace their list: say how many, in the live region present on load.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const count = document.getElementById("search-count");
    if (event.target.id === "search-results" || (count && event.target.contains(count))) {
      const list = document.querySelectorAll("#search-results li");
      const counted = format(
        ngettext("%(count)s exercise found", "%(count)s exercises found", list.length),
        { count: list.length },
      );
      announce(count && count.textContent.trim() ? count.textContent.trim() : counted);
    }
  });

  // After a change made without this script (the server re-rendered the rows): focus.
  if (form.dataset.focus) {
    const target = document.getElementById(form.dataset.focus);
    if (target) show(target);
  }
  if (dirty) note.hidden = false;
})();
