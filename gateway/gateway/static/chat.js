// An open chat thread: asks every few seconds for messages newer than the last one shown and adds them to
// the list, so they appear without a reload. Without this file a reload shows them.
"use strict";

(function () {
  const list = document.querySelector("[data-chat-poll]");
  if (!list) {
    return;
  }
  const announce = document.getElementById("chat-announce");
  const EVERY_MS = 3000;
  let lastId = Number(list.dataset.lastId) || 0;
  let waiting = false;

  function add(message) {
    if (message.id <= lastId) {
      return;
    }
    const item = document.createElement("li");
    item.className = message.own ? "chat-message chat-own" : "chat-message";
    item.dataset.messageId = String(message.id);
    const meta = document.createElement("p");
    meta.className = "chat-meta";
    const who = document.createElement("strong");
    who.textContent = message.own ? list.dataset.ownLabel : list.dataset.otherLabel;
    const time = document.createElement("time");
    time.dateTime = message.created_at;
    time.textContent = new Date(message.created_at).toLocaleString(portico.locale);
    meta.append(who, " ", time);
    const body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = message.body;
    item.append(meta, body);
    list.append(item);
    lastId = message.id;
    if (announce && !message.own) {
      announce.textContent = portico.say("new_message_from", { name: list.dataset.otherLabel });
    }
  }

  async function poll() {
    if (waiting || document.hidden) {
      return;
    }
    waiting = true;
    try {
      const url = `${list.dataset.chatPoll}?after=${encodeURIComponent(lastId)}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const answer = await response.json();
        answer.messages.forEach(add);
      }
    } catch (error) {
      // Offline for a moment: the next round asks again.
    } finally {
      waiting = false;
    }
  }

  window.setInterval(poll, EVERY_MS);
})();
