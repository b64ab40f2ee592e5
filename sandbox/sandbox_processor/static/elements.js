/* Hosted fields: send the details to this processor, then give the parent page only the token. */
(function () {
  "use strict";

  var form = document.getElementById("hosted-form");
  if (!form) { return; }
  var kind = form.getAttribute("data-kind");
  var parentOrigin = form.getAttribute("data-parent-origin");
  var tokensUrl = form.getAttribute("data-tokens-url");
  var button = form.querySelector("button[type=submit]");
  var status = document.getElementById("form-status");
  var summary = document.getElementById("form-error");
  var BRANDS = { visa: "Visa", mastercard: "Mastercard", amex: "American Express",
                 discover: "Discover", diners: "Diners Club", jcb: "JCB", unionpay: "UnionPay" };
  // The processor reports expiry problems per part; the form has one expiry input.
  var INPUT_FOR_FIELD = { exp_month: "exp", exp_year: "exp" };

  function tellParent(message) {
    // Only ever to the origin the processor allowed, never to any origin.
    if (window.parent !== window && parentOrigin) { window.parent.postMessage(message, parentOrigin); }
  }

  function each(selector, action) {
    Array.prototype.forEach.call(form.querySelectorAll(selector), action);
  }

  function clearErrors() {
    summary.hidden = true;
    summary.textContent = "";
    each(".error", function (el) { el.hidden = true; el.textContent = ""; });
    each("input[aria-invalid]", function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showErrors(message, fields) {
    fields = fields || {};
    var expiry = document.getElementById("exp");
    if (expiry && !expiry.value.trim() && (fields.exp_month || fields.exp_year)) {
      fields = Object.assign({}, fields, { exp_month: ["Enter the expiry date."], exp_year: [] });
    }
    Object.keys(fields).forEach(function (field) {
      var id = INPUT_FOR_FIELD[field] || field;
      var input = document.getElementById(id);
      var error = document.getElementById(id + "-error");
      if (!input || !error) { return; }
      [].concat(fields[field]).forEach(function (text) {
        if (error.textContent.indexOf(text) === -1) {
          error.textContent = error.textContent ? error.textContent + " " + text : text;
        }
      });
      input.setAttribute("aria-invalid", "true");
      error.hidden = false;
    });
    var first = form.querySelector("input[aria-invalid]");  // the first in reading order
    if (first) {
      first.focus();
    } else {
      summary.textContent = message;
      summary.hidden = false;
      summary.focus();
    }
  }

  function splitExpiry(value) {
    var groups = String(value || "").match(/\d+/g) || [];
    if (groups.length >= 2) { return [groups[0], groups[1]]; }
    if (groups.length === 1 && (groups[0].length === 4 || groups[0].length === 6)) {
      return [groups[0].slice(0, 2), groups[0].slice(2)];
    }
    return [groups[0] || "", ""];
  }

  function details() {
    var data = { kind: kind };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "kind") { data[el.name] = el.value; }
    });
    if (kind === "card") {
      var expiry = splitExpiry(data.exp);
      delete data.exp;
      data.exp_month = expiry[0];
      data.exp_year = expiry[1];
      if (!data.name) { delete data.name; }
    }
    return data;
  }

  function saved(token) {
    if (token.kind === "card") {
      return "Card saved: " + (BRANDS[token.brand] || "card") + " ending in " + token.last4 + ".";
    }
    return "Bank account saved: account ending in " + token.last4 + ".";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    status.textContent = "Saving…";
    fetch(tokensUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(details()),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        var error = result.body.error || {};
        status.textContent = "";
        showErrors(error.message || "These details could not be saved.", error.fields);
        tellParent({ type: "sandbox-error", code: error.code || "error", message: error.message || "" });
        return;
      }
      var token = result.body;
      form.reset();  // the numbers are not needed any more
      status.textContent = saved(token);
      tellParent({ type: "sandbox-token", token: token.token, kind: token.kind, brand: token.brand,
                   last4: token.last4, exp_month: token.exp_month, exp_year: token.exp_year });
    }).catch(function () {
      status.textContent = "";
      showErrors("The payment processor could not be reached. Check your connection and try again.", {});
    }).then(function () {
      button.disabled = false;
    });
  });

  function reportHeight() {
    tellParent({ type: "sandbox-resize", height: Math.ceil(document.body.getBoundingClientRect().height) });
  }
  if (window.ResizeObserver) {
    new ResizeObserver(reportHeight).observe(document.body);
  } else {
    window.addEventListener("load", reportHeight);
  }
}());
