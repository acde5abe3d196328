// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen reader and keyboard users meet the errors first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // Links in the summary focus the field they name, not just scroll to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  // Autosave of the application form: once the form has changed and `data-autosave-ms` (20 s)
  // have passed since the last save, the form is saved as it stands. The server answers 204 with
  // the new lock version; anything else is left for the person to save by hand, where the page
  // explains what went wrong.
  var form = document.querySelector("form[data-autosave='true']");
  if (form && window.fetch && window.URLSearchParams) {
    var status = document.getElementById("autosave-status");
    var dirty = false;
    var saving = false;
    var lastSave = Date.now();
    var markDirty = function () { dirty = true; };
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function () { dirty = false; saving = true; });
    window.setInterval(function () {
      var delay = parseInt(form.getAttribute("data-autosave-ms"), 10) || 20000;
      if (!dirty || saving || Date.now() - lastSave < delay) return;
      dirty = false;
      saving = true;
      lastSave = Date.now();
      var body = new URLSearchParams(new FormData(form));
      body.set("autosave", "1");
      var failed = function () {
        status.textContent = "Utkastet kunde inte sparas automatiskt. Spara med knappen längst ned.";
      };
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
        saving = false;
        if (response.status === 204) {
          var version = response.headers.get("x-lock-version");
          if (version) form.querySelector("input[name='lock_version']").value = version;
          var now = new Date();
          status.textContent = "Utkastet sparades automatiskt kl. " + now.toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" }) + ".";
        } else {
          failed();
        }
      }).catch(function () { saving = false; failed(); });
    }, 250);
  }
})();
