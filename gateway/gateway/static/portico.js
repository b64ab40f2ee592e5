// Small enhancements; every page works without this file.
"use strict";

// The words scripts show, the locale of numbers and the business's currency (gateway/web/script_messages.py).
window.portico = {
  messages: JSON.parse(document.getElementById("script-messages")?.textContent || "{}"),
  locale: document.documentElement.dataset.locale || "en-US",
  currency: document.documentElement.dataset.currency || "USD",
  say(key, values = {}) {
    const text = this.messages[key] || key;
    return text.replace(/%\((\w+)\)s|%%/g, (match, name) => (name ? String(values[name]) : "%"));
  },
};

// Take keyboard and screen reader users straight to what went wrong.
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) {
  errorSummary.focus();
}

// "Select all on this tab": ticks every checkbox in the button's form, then says so.
for (const button of document.querySelectorAll("[data-select-all]")) {
  const form = button.closest("form");
  const status = document.getElementById(button.dataset.selectAll);
  button.hidden = false;
  button.addEventListener("click", () => {
    const boxes = form.querySelectorAll('input[type="checkbox"]');
    for (const box of boxes) {
      box.checked = true;
    }
    if (status) {
      status.textContent = portico.say("selected_all", { count: boxes.length });
    }
  });
}

// The installable portal: register the business's service worker (named by the page) for its own pages.
const workerScript = document.body.dataset.serviceWorker;
if (workerScript && "serviceWorker" in navigator) {
  navigator.serviceWorker.register(workerScript, { scope: document.body.dataset.workerScope });
}
