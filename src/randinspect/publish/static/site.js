/* Language toggle: Chinese first, English on request; the choice is kept in this browser only. */
(function () {
  "use strict";
  var root = document.documentElement;
  var stored = null;
  try { stored = window.localStorage.getItem("randinspect-lang"); } catch (e) { stored = null; }
  if (stored === "en") root.classList.add("lang-en");
  function sync(button) {
    var en = root.classList.contains("lang-en");
    root.setAttribute("lang", en ? "en" : "zh-CN");
    button.setAttribute("aria-pressed", en ? "true" : "false");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("lang-toggle");
    if (!button) return;
    sync(button);
    button.addEventListener("click", function () {
      root.classList.toggle("lang-en");
      try { window.localStorage.setItem("randinspect-lang", root.classList.contains("lang-en") ? "en" : "zh"); } catch (e) { /* private mode */ }
      sync(button);
    });
  });
})();
