// storyline's only script: served from the package (no CDN), no inline code anywhere, so the
// Content-Security-Policy can forbid every script but this file.
"use strict";

document.documentElement.classList.add("js");

function toggleMenu(button) {
  var nav = document.getElementById(button.getAttribute("aria-controls"));
  if (!nav) return;
  var open = nav.classList.toggle("open");
  button.setAttribute("aria-expanded", String(open));
}

function openSummary(button) {
  var target = document.getElementById(button.getAttribute("data-target"));
  if (!target) return;
  var open = button.getAttribute("aria-expanded") === "true";
  if (open) {
    target.hidden = true;
    button.setAttribute("aria-expanded", "false");
    setLabel(button, "Get a summary");
    return;
  }
  button.setAttribute("aria-expanded", "true");
  setLabel(button, "Hide summary");
  target.hidden = false;
  if (target.getAttribute("data-loaded") === "1") return;
  target.textContent = "Summarising…";
  target.classList.add("loading");
  // The fragment is rendered (and escaped) by the server, from the same origin.
  fetch(button.getAttribute("data-summary"), { headers: { Accept: "text/html" } })
    .then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) throw new Error("The summary could not be made (" + response.status + ").");
        return body;
      });
    })
    .then(function (body) {
      target.innerHTML = body;
      target.setAttribute("data-loaded", "1");
    })
    .catch(function (error) {
      target.textContent = error.message;
    })
    .finally(function () {
      target.classList.remove("loading");
    });
}

function setLabel(button, text) {
  // Only the visible words change: the hidden part naming the story stays.
  var label = button.querySelector(".label");
  if (label) label.textContent = text; else button.textContent = text;
}

function toggle(button) {
  var target = document.getElementById(button.getAttribute("data-toggle"));
  if (!target) return;
  target.hidden = !target.hidden;
  button.setAttribute("aria-expanded", String(!target.hidden));
  button.textContent = button.textContent.replace(/^(Show|Hide)/, target.hidden ? "Show" : "Hide");
}

function flashTarget() {
  // A citation's link lands on its sentence: bring it to the middle of the screen.
  if (!location.hash || location.hash.indexOf("#s-") !== 0) return;
  var sentence = document.getElementById(location.hash.slice(1));
  if (!sentence) return;
  sentence.scrollIntoView({ block: "center" });
  sentence.classList.add("cited");
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-summary]");
  if (button) { event.preventDefault(); openSummary(button); return; }
  var switcher = event.target.closest("[data-toggle]");
  if (switcher) { event.preventDefault(); toggle(switcher); return; }
  var menu = event.target.closest(".menu-button");
  if (menu) { event.preventDefault(); toggleMenu(menu); }
});
window.addEventListener("hashchange", flashTarget);
document.addEventListener("DOMContentLoaded", flashTarget);
