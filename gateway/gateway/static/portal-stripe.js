// The Add a card or bank account page when the business charges through Stripe (web/portal/stripe_fields.py): Stripe's
// own fields are drawn in the form, and on Keep it on file Stripe confirms what was typed (the card's bank may ask the
// client to check it there). Only then does the form go to Portico, with the setup's id alone.
(function () {
  "use strict";
  var form = document.querySelector("[data-stripe-setup]");
  if (!form || typeof window.Stripe !== "function") { return; }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({clientSecret: form.dataset.clientSecret});
  elements.create("payment", {paymentMethodOrder: form.dataset.kinds.split(" ").map(function (kind) {
    return kind === "ach" ? "us_bank_account" : kind;
  })}).mount("[data-stripe-fields]");
  var shown = form.querySelector("[data-stripe-error]");
  var button = form.querySelector("[data-pay-button]");
  var confirmed = false;

  form.addEventListener("submit", function (event) {
    if (confirmed) { return; }
    event.preventDefault();
    button.disabled = true;
    shown.hidden = true;
    stripe.confirmSetup({elements: elements, redirect: "if_required"}).then(function (result) {
      if (result.error) {
        shown.textContent = result.error.message;
        shown.hidden = false;
        button.disabled = false;
        return;
      }
      confirmed = true;
      form.submit();
    });
  });
}());
