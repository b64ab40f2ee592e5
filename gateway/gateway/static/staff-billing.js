// Staff billing enhancements; every page works without this file.
"use strict";

const POLL_MILLISECONDS = 500;
const MAX_POLL_MILLISECONDS = 5000;

// "Add a line" adds an empty invoice line here instead of sending the form back for one.
function enableAddLine(form) {
  const button = form.querySelector("[data-add-line]");
  const template = document.getElementById("invoice-line-template");
  const lines = form.querySelector("[data-invoice-lines]");
  const status = document.getElementById("line-status");
  if (!button || !template || !lines) {
    return;
  }
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const used = [...form.querySelectorAll("[name]")]
      .map((input) => /^line-(\d+)-/.exec(input.name))
      .filter(Boolean)
      .map((found) => Number(found[1]));
    const index = used.length ? Math.max(...used) + 1 : 0;
    const number = lines.querySelectorAll("[data-invoice-line]").length + 1;
    const line = template.content.firstElementChild.cloneNode(true);
    for (const element of line.querySelectorAll("*")) {
      for (const attribute of ["id", "name", "for", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replaceAll("__index__", String(index)));
        }
      }
    }
    line.querySelector("legend").textContent = portico.say("line", { number });
    lines.append(line);
    line.querySelector("input").focus();
    if (status) {
      status.textContent = portico.say("line_added", { number });
    }
  });
}

// One box ticks or unticks every invoice; it shows "some" when only some are ticked.
function enableSelectAll(form) {
  const label = form.querySelector("[data-select-all-invoices]");
  const boxes = [...form.querySelectorAll("[data-charge-invoice]")];
  if (!label || boxes.length === 0) {
    return;
  }
  const all = label.querySelector("input");
  const reflect = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  };
  label.hidden = false;
  all.addEventListener("change", () => {
    for (const box of boxes) {
      box.checked = all.checked;
    }
    reflect();
  });
  for (const box of boxes) {
    box.addEventListener("change", reflect);
  }
  reflect();
}

// Follow a charge run: move the bar as invoices are charged, then show the results page.
function followChargeRun(panel) {
  const progress = panel.querySelector("progress");
  const status = panel.querySelector("[role=status]");
  const refresh = panel.querySelector("[data-refresh-link]");
  if (panel.dataset.finished === "true" || !progress) {
    return;
  }
  if (refresh) {
    refresh.hidden = true;
  }
  let delay = POLL_MILLISECONDS;
  let lastText = status.textContent.trim();

  const show = (run) => {
    progress.max = run.total;
    progress.value = run.done;
    progress.setAttribute("aria-valuemax", String(run.total));
    progress.setAttribute("aria-valuenow", String(run.done));
    progress.setAttribute("aria-valuetext", portico.say("run_progress", run));
    const text = run.finished
      ? portico.say("run_finished", run)
      : portico.say("run_running", run);
    if (text !== lastText) {  // a live region repeats itself only when something changed
      status.textContent = text;
      lastText = text;
    }
  };

  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.chargeRun, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      const run = await response.json();
      show(run);
      if (run.finished) {
        // The results per invoice are drawn by the server; give the bar a moment at 100% first.
        setTimeout(() => window.location.reload(), 800);
        return;
      }
      delay = POLL_MILLISECONDS;
    } catch (error) {
      delay = Math.min(delay * 2, MAX_POLL_MILLISECONDS);
      if (refresh) {
        refresh.hidden = false;
      }
    }
    setTimeout(poll, delay);
  };
  setTimeout(poll, POLL_MILLISECONDS);
}

for (const form of document.querySelectorAll("[data-invoice-form]")) {
  enableAddLine(form);
}
for (const form of document.querySelectorAll("[data-charge-form]")) {
  enableSelectAll(form);
}
for (const panel of document.querySelectorAll("[data-charge-run]")) {
  followChargeRun(panel);
}
