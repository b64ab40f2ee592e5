// The Stripe stand-in's Stripe.js (portico_testing/fake_stripe.py serves it at /v3/): the few calls Portico's page
// makes, with plain inputs where Stripe's fields would be. What is typed goes only to the stand-in, as Stripe's fields
// send it only to Stripe. A card its bank wants to check opens a window to pass or fail the check, as 3-D Secure does.
(function () {
  "use strict";
  var api = new URL(document.currentScript.src).origin;

  function field(parent, name, label) {
    var wrapper = document.createElement("label");
    wrapper.textContent = label;
    var input = document.createElement("input");
    input.dataset.fakeStripe = name;  // no name: like Stripe's framed fields, never sent with the page's form
    input.autocomplete = "off";
    wrapper.appendChild(input);
    parent.appendChild(wrapper);
    return input;
  }

  function paymentElement(types) {
    var inputs = {};
    return {
      mount: function (selector) {
        var box = document.querySelector(selector);
        var choice = document.createElement("select");
        choice.dataset.fakeStripe = "type";
        choice.setAttribute("aria-label", "Kind of payment method");
        types.forEach(function (type) {
          var option = document.createElement("option");
          option.value = type;
          option.textContent = type === "card" ? "Card" : "US bank account";
          choice.appendChild(option);
        });
        box.appendChild(choice);
        inputs.type = choice;
        inputs.number = field(box, "number", "Card number");
        inputs.expiry = field(box, "expiry", "Expiry (MM/YY)");
        inputs.routing = field(box, "routing", "Routing number");
        inputs.account = field(box, "account", "Account number");
      },
      data: function () {
        if (inputs.type.value === "card") {
          var expiry = inputs.expiry.value.split("/");
          return {"payment_method_data[type]": "card", "payment_method_data[card][number]": inputs.number.value,
                  "payment_method_data[card][exp_month]": expiry[0] || "", "payment_method_data[card][exp_year]":
                  "20" + (expiry[1] || "")};
        }
        return {"payment_method_data[type]": "us_bank_account",
                "payment_method_data[us_bank_account][routing_number]": inputs.routing.value,
                "payment_method_data[us_bank_account][account_number]": inputs.account.value};
      }
    };
  }

  function call(key, path, form) {
    return fetch(api + path, {method: "POST", headers: {"Authorization": "Bearer " + key,
      "Content-Type": "application/x-www-form-urlencoded"}, body: new URLSearchParams(form)})
      .then(function (response) { return response.json(); });
  }

  function bankCheck() {  // the bank's own window: the client passes or fails its check
    return new Promise(function (resolve) {
      var dialog = document.createElement("dialog");
      dialog.setAttribute("aria-label", "Your bank's check");
      ["Complete", "Fail"].forEach(function (word) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = word + " authentication";
        button.addEventListener("click", function () { dialog.close(); dialog.remove(); resolve(word === "Complete"); });
        dialog.appendChild(button);
      });
      document.body.appendChild(dialog);
      dialog.showModal();
    });
  }

  window.Stripe = function (key) {
    return {
      elements: function (options) {
        var secret = options.clientSecret, element = null;
        return {
          clientSecret: secret,
          create: function (kind, settings) {
            element = paymentElement((settings && settings.paymentMethodOrder) || ["card"]);
            return element;
          },
          element: function () { return element; }
        };
      },
      handleNextAction: function (options) {  // a PaymentIntent the client's bank asks them to confirm
        var id = options.clientSecret.split("_secret_")[0];
        return bankCheck().then(function (passed) {
          return call(key, "/v1/payment_intents/" + id + "/authenticate", {passed: String(passed)});
        }).then(function (answer) {
          return answer.status === "succeeded" ? {paymentIntent: answer} : {error: {message: "Not confirmed."}};
        });
      },
      confirmSetup: function (options) {
        var id = options.elements.clientSecret.split("_secret_")[0];
        return call(key, "/v1/setup_intents/" + id + "/confirm", options.elements.element().data())
          .then(function (answer) {
            if (answer.error) { return {error: {message: answer.error.message}}; }
            if (answer.status !== "requires_action") { return {setupIntent: answer}; }
            return bankCheck().then(function (passed) {
              if (!passed) { return {error: {message: "We are unable to authenticate your payment method."}}; }
              return call(key, "/v1/setup_intents/" + id + "/authenticate", {}).then(function (done) {
                return done.error ? {error: {message: done.error.message}} : {setupIntent: done};
              });
            });
          });
      }
    };
  };
}());
