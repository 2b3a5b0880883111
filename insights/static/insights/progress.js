// Polls a JSON status endpoint and moves a <progress> bar until the job is finished; no framework, no CDN.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-url]").forEach(function (block) {
    var bar = block.querySelector("progress");
    var text = block.querySelector(".progress-text");
    var url = block.getAttribute("data-progress-url");
    function render(data) {
      bar.value = data.percent || 0;
      text.textContent = (data.status_label || data.status || "") + (data.step ? " – " + data.step : "") + " (" + (data.percent || 0) + " %)";
      ["imported", "skipped_no_consent", "error_count"].forEach(function (field) {
        var el = block.querySelector('[data-field="' + field + '"]');
        if (el && data[field] !== undefined) { el.textContent = data[field]; }
      });
      var download = block.querySelector("[data-errors-download]");
      if (download && data.error_count) { download.hidden = false; }
      var table = block.querySelector("[data-errors-table]");
      if (table && data.errors && data.errors.length) {
        var body = table.querySelector("tbody");
        body.textContent = "";
        data.errors.forEach(function (error) {
          var row = document.createElement("tr");
          [error.row === null ? "–" : error.row, error.column === null ? "–" : error.column, error.message].forEach(function (value) {
            var cell = document.createElement("td");
            cell.textContent = value;
            row.appendChild(cell);
          });
          body.appendChild(row);
        });
        table.hidden = false;
      }
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          render(data);
          if (!data.finished) { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  });
})();
