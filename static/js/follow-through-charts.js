/* The follow-through page's cohort chart and zone funnel (templates/projects/_cohort_chart.html,
 * _funnel.html), drawn from the json_script data each card carries (`cohort-chart-data`,
 * `funnel-data`, made by projects/follow_charts.py). The tables under the charts hold the same
 * figures, as the tooltips print them, and the funnel's links. */
(function () {
  "use strict";
  var Z = window.ZitCharts;

  function cohortChart(canvas, data) {
    var labels = data.labels;
    return Z.chartOnce(canvas, {
      type: "line",
      data: {
        labels: data.months,
        datasets: data.cohorts.map(function (cohort, index) {
          return Object.assign(Z.lineStyle(index), {
            label: cohort.quarter, data: cohort.shares, display: cohort.display, spanGaps: false
          });
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: false, axis: "x" },
        scales: {
          x: { title: { display: true, text: labels.months_axis } },
          y: { min: 0, max: 1, title: { display: true, text: labels.share_axis },
               ticks: { callback: function (value) { return Z.percent(value); } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? labels.months_axis + " " + items[0].label : ""; },
              label: function (ctx) { return ctx.dataset.label + "：" + ctx.dataset.display[ctx.dataIndex]; }
            }
          }
        }
      }
    });
  }

  var STAGE_COLOURS = [Z.PALETTE[0], Z.PALETTE[1], Z.PALETTE[2]];

  function funnelChart(canvas, data) {
    var labels = data.labels;
    return Z.chartOnce(canvas, {
      type: "bar",
      data: {
        labels: data.zones.map(function (row) { return row.zone; }),
        datasets: data.stages.map(function (stage, index) {
          return {
            label: stage.label, stage: stage.key, backgroundColor: STAGE_COLOURS[index % STAGE_COLOURS.length],
            borderColor: "#ffffff", borderWidth: 1,
            data: data.zones.map(function (row) { return row.cells[index].amount_yi; }),
            cells: data.zones.map(function (row) { return row.cells[index]; })
          };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "nearest", intersect: true },
        scales: { x: { ticks: { autoSkip: false } }, y: Z.amountAxis(labels) },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var cell = ctx.dataset.cells[ctx.dataIndex];
                return ctx.dataset.label + "：" + cell.amount_display + " " + labels.unit + " · " +
                  cell.count + " " + labels.projects;
              }
            }
          }
        },
        onClick: function (event, elements, chart) {
          if (!elements.length) return;
          var cell = chart.data.datasets[elements[0].datasetIndex].cells[elements[0].index];
          if (cell.url) window.location.href = cell.url;
        },
        onHover: function (event, elements, chart) {
          var cell = elements.length ? chart.data.datasets[elements[0].datasetIndex].cells[elements[0].index] : null;
          event.native.target.style.cursor = cell && cell.url ? "pointer" : "default";
        }
      }
    });
  }

  Z.ready(function () {
    var data = Z.readJSON("cohort-chart-data");
    var canvas = document.getElementById("chart-cohorts");
    if (data && canvas) cohortChart(canvas, data);
    var section = document.getElementById("cohorts");
    if (section) section.setAttribute("data-ready", "true");

    data = Z.readJSON("funnel-data");
    canvas = document.getElementById("chart-funnel");
    if (data && canvas) funnelChart(canvas, data);
    section = document.getElementById("funnel");
    if (section) section.setAttribute("data-ready", "true");
  });
})();
