/* The zone comparison's charts (templates/projects/compare.html): one line per zone over the
 * periods, and, when the follow-through figures are there, each zone's signed → started →
 * operating amounts as grouped bars. Data from json_script `compare-data`; a click on a point
 * or bar opens the project list behind it (the tables under the charts hold the same links). */
(function () {
  "use strict";
  var Z = window.ZitCharts;

  function monthsChart(canvas, data, labels) {
    return Z.chartOnce(canvas, {
      type: "line",
      data: {
        labels: data.periods,
        datasets: data.zones.map(function (row, index) {
          return Object.assign(Z.lineStyle(index), {
            label: row.zone.name, slug: row.zone.slug, listUrl: row.list_url,
            data: row.periods.map(function (p) { return p.amount_yi; }),
            display: row.periods.map(function (p) { return p.amount_display; }),
            records: row.periods.map(function (p) { return p.records; })
          });
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: true },
        scales: {
          x: { title: { display: true, text: data.granularity === "year" ? labels.year_axis : labels.month_axis } },
          y: Z.amountAxis(labels)
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var d = ctx.dataset;
                return d.label + "：" + d.display[ctx.dataIndex] + " " + labels.unit + " · " +
                  d.records[ctx.dataIndex] + " " + labels.records;
              }
            }
          }
        },
        onClick: function (event, elements, chart) {
          if (!elements.length) return;
          var d = chart.data.datasets[elements[0].datasetIndex];
          if (!d.records[elements[0].index]) return;
          var period = chart.data.labels[elements[0].index];
          var yearly = data.granularity === "year";
          var url = new URL(d.listUrl, window.location.href);
          url.searchParams.set("month_from", yearly ? period + "-01" : period);
          url.searchParams.set("month_to", yearly ? period + "-12" : period);
          window.location.href = url.pathname + url.search;
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        }
      }
    });
  }

  Z.ready(function () {
    var root = document.getElementById("compare");
    var data = Z.readJSON("compare-data");
    var labels = Z.readJSON("compare-labels") || {};
    if (data) {
      var canvas = document.getElementById("chart-compare-months");
      if (canvas) monthsChart(canvas, data, labels);
    }
    if (root) root.setAttribute("data-ready", "true");
  });
})();
