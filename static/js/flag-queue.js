// The red-flag queue (templates/oversight/queue.html); a file of its own, as the Content-Security-Policy
// runs no inline script.
// On a phone the open filter form would push the queue below the fold: fold it (the summary stays).
(function () {
  var filters = document.querySelector("main details");  // not the account menu in the navigation bar
  if (filters && !filters.querySelector(".is-invalid") && window.matchMedia("(max-width: 575.98px)").matches) {
    filters.open = false;
  }
})();
// "Select all" ticks every row of this page; it only helps, the form works without it.
(function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  var rows = document.querySelectorAll(".row-select");
  all.addEventListener("change", function () { rows.forEach(function (box) { box.checked = all.checked; }); });
  rows.forEach(function (box) {
    box.addEventListener("change", function () {
      var ticked = Array.prototype.filter.call(rows, function (b) { return b.checked; }).length;
      all.checked = ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    });
  });
})();
