// A payment the client's bank asks them to confirm (web/portal/bank_check.py): open the bank's window through
// Stripe.js, then, however it ended, send the form: billing asks Stripe how the payment went.
(function () {
  "use strict";
  var form = document.querySelector("[data-bank-check]");
  if (!form || typeof window.Stripe !== "function") { return; }
  var button = form.querySelector("[data-pay-button]");
  button.disabled = true;
  window.Stripe(form.dataset.publishableKey).handleNextAction({clientSecret: form.dataset.clientSecret})
    .then(function () { form.submit(); });
}());
