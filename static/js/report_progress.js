/* The report page's progress bar: polls /reports/<pk>/status.json every second while the run
   is queued or running, moves the bar and the step text, and reloads the page when the run
   is done or failed (the page then shows the downloads or the reason and 重试).
   Without JavaScript a <noscript> meta refresh reloads the page every three seconds instead. */
(function () {
  "use strict";
  var section = document.getElementById("report-progress");
  if (!section || !section.dataset.statusUrl || !window.fetch) { return; }
  var url = section.dataset.statusUrl;
  var bar = document.getElementById("report-bar");
  function field(name) { return section.querySelector('[data-field="' + name + '"]'); }
  var failures = 0;

  function show(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    field("progress_text").textContent = data.progress + "%";
    field("step").textContent = data.step;
    var label = field("status_label");
    label.textContent = data.status_label;
    label.className = "status status-report-" + data.status;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        // A dropped connection: keep trying, more slowly, as the run goes on without us.
        failures += 1;
        window.setTimeout(poll, Math.min(1000 * (failures + 1), 10000));
      });
  }
  window.setTimeout(poll, 1000);
})();
