/* Draws the dashboard's charts from the JSON the page embeds (id "dashboard-charts").
   Every chart has its numbers in a table beside it, so nothing is lost without JavaScript. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var palette = ["#0b5394", "#c0392b", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#37474f",
                 "#ad1457", "#1565c0", "#558b2f"];
  var language = document.documentElement.lang || "id";
  var base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: reduceMotion ? false : { duration: 400 },
    locale: language
  };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { return new window.Chart(canvas, config); }
  }

  function bar(id, chart, horizontal) {
    draw(id, {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ label: chart.label, data: chart.values, backgroundColor: palette[0] }] },
      options: Object.assign({}, base, {
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      })
    });
  }

  function doughnut(id, chart, colours) {
    draw(id, {
      type: "doughnut",
      data: { labels: chart.labels, datasets: [{ label: chart.label, data: chart.values, backgroundColor: colours }] },
      options: Object.assign({}, base, { plugins: { legend: { position: "right" } } })
    });
  }

  bar("chart-stages", data.stages, true);
  bar("chart-countries", data.countries, true);
  draw("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: data.trend.series.map(function (series, index) {
        return { label: series.label, data: series.values, borderColor: palette[index], backgroundColor: palette[index],
                 borderDash: index ? [6, 4] : [], tension: 0.2 };
      })
    },
    options: Object.assign({}, base, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
  doughnut("chart-sexes", data.sexes, [palette[4], palette[5]]);
  doughnut("chart-severities", data.severities, ["#b02a37", "#b26a00", "#6c757d"]);
}());
