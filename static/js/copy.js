// Copy buttons (subscription addresses): shown only when this script runs; without it the
// address sits in a read-only field the reader can select and copy by hand.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var label = button.textContent;
    button.classList.add("button");  // styled only once it works: a .button would show while hidden
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });

    function copied() {
      button.textContent = button.getAttribute("data-copied") || label;
      window.setTimeout(function () { button.textContent = label; }, 3000);
    }

    function copyBySelection() {
      field.focus();
      field.select();
      try {
        if (document.execCommand("copy")) { copied(); }
      } catch (error) { /* the text stays selected for the reader to copy */ }
    }

    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, copyBySelection);
      } else {
        copyBySelection();
      }
    });
  });
});
