// A field marked data-select-on-focus (a new API key, to copy) selects all its text when focused.
// A file of its own: the Content-Security-Policy runs no inline handler (onfocus="...").
document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
  field.addEventListener("focus", function () { field.select(); });
});
