// The Billing tab's enhancements: the selection's total, and new cards or bank accounts entered in the
// payment processor's hosted form (an iframe) whose token arrives here by postMessage. Without this
// file the pages still pay with a method on file; only the hosted form needs it.
"use strict";

(function () {
  const PARTS = ["token", "brand", "last4", "exp_month", "exp_year"];
  const BRANDS = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover",
                   diners: "Diners Club", jcb: "JCB", unionpay: "UnionPay" };
  const money = new Intl.NumberFormat(portico.locale, { style: "currency", currency: portico.currency });

  for (const element of document.querySelectorAll("[data-needs-script]")) {
    element.hidden = false;
  }
  for (const element of document.querySelectorAll("[data-without-script]")) {
    element.hidden = true;
  }

  const hostedBoxes = Array.from(document.querySelectorAll("[data-hosted-method]"));

  function part(box, name) {
    return box.querySelector(`[data-hosted-part="${name}"]`);
  }

  function hasToken(box) {
    return part(box, "token").value !== "";
  }

  function describe(token) {
    if (token.kind === "card") {
      return portico.say("card_ending", { brand: BRANDS[token.brand] || portico.say("a_card"), last4: token.last4 });
    }
    return portico.say("bank_account_ending", { last4: token.last4 });
  }

  function openFrame(box) {
    if (box.querySelector("iframe")) {
      return;
    }
    const frame = document.createElement("iframe");
    frame.className = "hosted-frame";
    frame.title = box.dataset.title;
    frame.src = box.dataset.src;
    box.insertBefore(frame, box.firstChild);
  }

  function chosenMethod(form) {
    const radio = form.querySelector('input[name="method"]:checked') ||
                  form.querySelector('input[type="hidden"][name="method"]');
    return radio ? radio.value : "";
  }

  // --- the forms that take a payment method --------------------------------------------------

  function refresh(form) {
    const method = chosenMethod(form);
    let waitingFor = null;
    for (const box of form.querySelectorAll("[data-hosted-method]")) {
      const chosen = method === `new-${box.dataset.hostedMethod}`;
      box.hidden = !chosen;
      if (chosen && !hasToken(box)) {
        openFrame(box);
        waitingFor = box.dataset.hostedMethod;
      }
    }
    for (const element of form.querySelectorAll("[data-new-method-only]")) {
      element.hidden = !method.startsWith("new-");
    }
    const invoices = form.querySelectorAll('input[name="invoice_ids"]');
    const checked = Array.from(invoices).filter((box) => box.checked);
    if (form.hasAttribute("data-pay-form")) {
      showSelection(form, checked);
    }
    const button = form.querySelector("[data-pay-button]");
    const hint = form.querySelector("[data-pay-hint]");
    let problem = null;
    if (invoices.length && !checked.length) {
      problem = portico.say("choose_an_invoice");
    } else if (waitingFor === "card") {
      problem = portico.say("enter_the_card");
    } else if (waitingFor === "ach") {
      problem = portico.say("enter_the_bank_account");
    }
    if (button) {
      button.disabled = problem !== null;
      if (hint) {
        hint.textContent = problem || portico.say("check_before_paying");
      } else if (problem) {
        button.setAttribute("title", problem);
      } else {
        button.removeAttribute("title");
      }
    }
  }

  function showSelection(form, checked) {
    const total = checked.reduce((sum, box) => sum + Number(box.dataset.balance), 0);
    const output = form.querySelector("[data-selection-total]");
    if (output) {
      const count = checked.length === 1 ? portico.say("one_invoice") : portico.say("invoices", { count: checked.length });
      output.textContent = `${money.format(total / 100)} (${count})`;
    }
    // A partial amount applies to a single invoice only.
    const partial = form.querySelector("[data-partial-amount]");
    if (partial) {
      partial.hidden = checked.length !== 1;
      partial.querySelector("input").disabled = checked.length !== 1;
    }
    const useCredit = form.querySelector('input[name="use_credit"]');
    const credit = form.querySelector("[data-credit-amount]");
    if (useCredit && credit) {
      credit.hidden = !useCredit.checked;
      credit.querySelector("input").disabled = !useCredit.checked;
    }
  }

  for (const form of document.querySelectorAll("[data-method-form]")) {
    form.addEventListener("change", () => refresh(form));
    // A second press while the first is on its way would only be answered with the first's result.
    form.addEventListener("submit", () => {
      const button = form.querySelector("[data-pay-button]");
      if (button) {
        window.setTimeout(() => { button.disabled = true; }, 0);
      }
    });
    refresh(form);
  }

  // --- tokens from the processor's hosted form ------------------------------------------------

  window.addEventListener("message", (event) => {
    const box = hostedBoxes.find((candidate) => {
      const frame = candidate.querySelector("iframe");
      return frame && frame.contentWindow === event.source;
    });
    // Only the processor's own frame may hand over a token.
    if (!box || event.origin !== box.dataset.origin || typeof event.data !== "object" || event.data === null) {
      return;
    }
    const message = event.data;
    const frame = box.querySelector("iframe");
    if (message.type === "sandbox-resize" && Number.isFinite(message.height)) {
      frame.style.height = `${Math.min(Math.max(message.height, 120), 1200)}px`;
    } else if (message.type === "sandbox-token" && typeof message.token === "string" &&
               message.kind === (box.dataset.hostedMethod === "card" ? "card" : "ach")) {
      for (const name of PARTS) {
        const value = message[name];
        part(box, name).value = value === null || value === undefined ? "" : String(value);
      }
      box.querySelector("[data-hosted-status]").textContent = portico.say("ready_to_use", { method: describe(message) });
      const form = box.closest("form");
      if (form) {
        refresh(form);
      }
    }
  });
}());
