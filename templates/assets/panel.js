// The web panel works without this script; it only adds conveniences: a box that
// selects every row of a list, and keyboard shortcuts ("/" opens the filter, "n"
// a new element).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("select-all");
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        document.querySelectorAll('#list input[name="elid"]').forEach(function (box) { box.checked = all.checked; });
      });
    }
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT"))) {
        return;
      }
      if (e.key === "/") {
        var panel = document.getElementById("filter-panel");
        if (panel) {
          panel.open = true;
          var first = panel.querySelector("input:not([type=hidden]), select");
          if (first) { first.focus(); e.preventDefault(); }
        }
      } else if (e.key === "n") {
        var create = document.getElementById("create");
        if (create) { create.click(); }
      }
    });
  });
})();
