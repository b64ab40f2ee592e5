// The calendar box: "Copy" puts the new address on the clipboard. Without this file the address can still be
// selected and copied by hand.
"use strict";

for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copyStatus);
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = portico.say("copied");
    } catch (error) {
      status.textContent = portico.say("copy_by_hand");
    }
  });
}
