// The API reference's "Try it" forms: build each request from its form, send it, and show the answer.
(function () {
  "use strict";

  const token = document.getElementById("api-token");

  function requestOf(form) {
    let path = form.dataset.path;
    const query = new URLSearchParams();
    const headers = { Accept: "application/json" };
    let body;
    for (const input of form.querySelectorAll("[data-in]")) {
      const value = input.value.trim();
      if (input.dataset.in === "path") {
        path = path.replace("{" + input.name + "}", encodeURIComponent(value));
      } else if (input.dataset.in === "query" && value) {
        query.append(input.name, value);
      } else if (input.dataset.in === "header" && value) {
        headers[input.name] = value;
      } else if (input.dataset.in === "body" && value) {
        body = input.value;
        headers["Content-Type"] = "application/json";
      }
    }
    if (token && token.value.trim()) {
      headers.Authorization = "Bearer " + token.value.trim();
    }
    const search = query.toString();
    return { url: path + (search ? "?" + search : ""), init: { method: form.dataset.method, headers, body } };
  }

  function readable(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (error) {
      return text;
    }
  }

  function show(result, request, response, text) {
    const status = document.createElement("p");
    status.textContent = request.init.method + " " + request.url + " answered " + response.status + " " +
      response.statusText + ".";
    const answer = document.createElement("pre");
    answer.tabIndex = 0;
    answer.textContent = readable(text) || "(no body)";
    result.replaceChildren(status, answer);
  }

  function keepToken(text) {
    try {
      const answer = JSON.parse(text);
      if (token && answer && typeof answer.token === "string") {
        token.value = answer.token;
      }
    } catch (error) {
      // Not JSON: nothing to keep.
    }
  }

  document.addEventListener("submit", async function (event) {
    const form = event.target.closest(".try-call-form");
    if (!form) {
      return;
    }
    event.preventDefault();
    const result = form.querySelector(".call-result");
    const request = requestOf(form);
    result.textContent = "Sending…";
    try {
      const response = await fetch(request.url, request.init);
      const text = await response.text();
      show(result, request, response, text);
      keepToken(text);
    } catch (error) {
      result.textContent = portico.say("not_sent", { error: error.message });
    }
  });
})();
