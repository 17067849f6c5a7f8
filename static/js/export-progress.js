// Polls a background export's or import's status (core.views.export_job_status) and shows
// its progress; offers the file when it is ready. No inline script: the page carries the
// status URL and the translated texts in data attributes.
(function () {
  "use strict";

  function start(section) {
    var url = section.getAttribute("data-status-url");
    var bar = section.querySelector("[data-job-progress]");
    var label = section.querySelector("[data-job-label]");
    var rows = section.querySelector("[data-job-rows]");
    var error = section.querySelector("[data-job-error]");
    var download = section.querySelector("[data-job-download]");
    var downloadBox = section.querySelector("[data-job-download-box]");
    var rowsFormat = section.getAttribute("data-rows-format") || "{done} / {total}";
    var reload = section.getAttribute("data-reload-when-done") === "1";
    var delay = 500;

    function finished(status) {
      return status === "done" || status === "failed";
    }

    function show(state) {
      section.setAttribute("data-status", state.status);
      bar.value = state.percent;
      bar.textContent = state.percent + " %";
      label.textContent = state.label;
      if (state.rows_total !== null && rows) {
        rows.textContent = rowsFormat
          .replace("{done}", state.rows_done.toLocaleString())
          .replace("{total}", state.rows_total.toLocaleString());
      }
      if (state.error && error) {
        error.textContent = state.error;
        error.hidden = false;
      }
      if (state.download_url && download) {
        download.href = state.download_url;
        downloadBox.hidden = false;
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (state) {
          show(state);
          if (finished(state.status)) {
            if (reload) { window.location.reload(); }
            return;
          }
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }

    if (!finished(section.getAttribute("data-status"))) {
      window.setTimeout(poll, delay);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job]").forEach(start);
  });
})();
