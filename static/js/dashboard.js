/* Dashboard and zone-page charts (Chart.js from static/vendor).
 *
 * The server renders every figure and table (templates/projects/_dashboard_results.html); this
 * file only draws the charts, from the data embedded with json_script. When the filter changes,
 * htmx (hx-* attributes on the filter form) swaps the server's new results into
 * #dashboard-results and puts the filter in the address bar; the charts are then drawn anew
 * from the data that came with them.
 */
(function () {
  "use strict";
  var Z = window.ZitCharts;  // static/js/chart-kit.js: colours, formats, the one-update construction

  /* Okabe & Ito's eight colours (Z.PALETTE). A ninth zone onwards repeats them with a pattern
   * (stripes, then dots, then cross-hatch), so no two charted zones look alike; "其他开发区" is
   * grey with stripes. Stacked segments are parted by a white line, and the legend and the table
   * under each chart name every series. */
  var PALETTE = Z.PALETTE;
  var PATTERNS = ["", "stripes", "dots", "cross"];
  var OTHER = "#8c8c8c";

  function patterned(colour, kind) {
    if (!kind) return colour;
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var pen = tile.getContext("2d");
    pen.fillStyle = colour;
    pen.fillRect(0, 0, 8, 8);
    pen.strokeStyle = pen.fillStyle = colour === "#000000" ? "rgba(255,255,255,.8)" : "rgba(255,255,255,.75)";
    pen.lineWidth = 2;
    if (kind === "dots") {
      pen.beginPath(); pen.arc(4, 4, 1.6, 0, 2 * Math.PI); pen.fill();
    } else {
      pen.beginPath(); pen.moveTo(-2, 10); pen.lineTo(10, -2);
      if (kind === "cross") { pen.moveTo(-2, -2); pen.lineTo(10, 10); }
      pen.stroke();
    }
    var pattern = pen.createPattern(tile, "repeat");
    pattern.kind = kind;  // for the tests: which pattern a series carries
    return pattern;
  }

  function seriesFill(index) {
    return patterned(PALETTE[index % PALETTE.length], PATTERNS[Math.floor(index / PALETTE.length) % PATTERNS.length]);
  }

  var RANKING_BARS = 15;

  function listUrl(base, query, overrides) {
    var params = new URLSearchParams(query || "");
    params.delete("page");
    Object.keys(overrides).forEach(function (key) {
      if (overrides[key] === undefined) return;
      params.delete(key);
      if (overrides[key] !== null) params.append(key, overrides[key]);
    });
    var qs = params.toString();
    return base + (qs ? "?" + qs : "");
  }

  var readJSON = Z.readJSON;
  var chartOnce = Z.chartOnce;

  function amountAxis(labels, axis) {
    var scale = Z.amountAxis(labels);
    if (axis === "x") scale.grid = { display: true };
    return scale;
  }

  /* ---- monthly stacked bars ------------------------------------------------------------ */

  function monthDatasets(data) {
    var colour = 0;
    // One bar per period: the months, or years when the range spans more than three years
    // (data.granularity; README, "Chart data endpoint").
    return data.series.map(function (series) {
      var fill = series.other ? patterned(OTHER, "stripes") : seriesFill(colour++);
      return {
        label: series.zone, backgroundColor: fill, borderWidth: 1, borderColor: "#ffffff", stack: "zones",
        data: series.periods.map(function (p) { return p.amount_yi; }),
        display: series.periods.map(function (p) { return p.amount_display; }),
        slug: series.slug, other: series.other
      };
    });
  }

  function monthChart(canvas, data, labels) {
    return chartOnce(canvas, {
      type: "bar",
      data: { labels: data.periods, datasets: monthDatasets(data) },
      options: {
        // normalized: the months are unique and in order, so Chart.js skips sorting and
        // checking them; sampleSize: "YYYY-MM" labels are all as wide, so measuring 12 of up
        // to 240 sizes the axis as well as measuring them all (both are Chart.js's own
        // performance options; 9 series × 120 months made this the slowest chart to draw).
        responsive: true, maintainAspectRatio: false, animation: false, normalized: true,
        interaction: { mode: "nearest", intersect: true },
        scales: {
          x: { stacked: true, title: { display: true, text: data.granularity === "year" ? labels.year_axis : labels.month_axis },
               ticks: { sampleSize: 12 } },
          y: Object.assign(amountAxis(labels, "y"), { stacked: true })
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + "：" + ctx.dataset.display[ctx.dataIndex] + " " + labels.unit;
              },
              footer: function (items) {
                if (!items.length) return "";
                var total = data.period_totals[items[0].dataIndex];
                return labels.total + "：" + total.amount_display + " " + labels.unit;
              }
            }
          }
        },
        onClick: function (event, elements, chart) {
          if (!elements.length) return;
          var dataset = chart.data.datasets[elements[0].datasetIndex];
          var period = chart.data.labels[elements[0].index];
          var yearly = data.granularity === "year";
          var overrides = { month_from: yearly ? period + "-01" : period, month_to: yearly ? period + "-12" : period };
          if (!dataset.other && dataset.slug) overrides.zone = dataset.slug;
          window.location.href = listUrl(data.links.project_list, data.query, overrides);
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        }
      }
    });
  }

  /* ---- horizontal bars: ranking, stage, industry ------------------------------------------ */

  function barChart(canvas, rows, labels, options) {
    var chart = chartOnce(canvas, {
      type: "bar",
      data: barData(rows, options.labelKey, options.colour),
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: amountAxis(labels, "x"), y: { ticks: { autoSkip: false } } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var row = ctx.chart.$rows[ctx.dataIndex];
                return row.amount_display + " " + labels.unit + " · " + row.records + " " + labels.records;
              }
            }
          }
        },
        onClick: options.onClick || null
      }
    });
    chart.$rows = rows;
    return chart;
  }

  function barData(rows, labelKey, colour) {
    return {
      labels: rows.map(function (row) { return row[labelKey]; }),
      datasets: [{ label: "", data: rows.map(function (row) { return row.amount_yi; }), backgroundColor: colour, borderWidth: 0 }]
    };
  }

  /* ---- the dashboard ------------------------------------------------------------------- */

  function dashboard(labels) {
    var root = document.getElementById("dashboard");
    var charts = [];

    function draw() {
      charts.forEach(function (chart) { chart.destroy(); });
      charts = [];
      var data = readJSON("dashboard-data");
      if (!data) return;
      var canvas = document.getElementById("chart-months");
      if (canvas) charts.push(monthChart(canvas, data, labels));
      canvas = document.getElementById("chart-ranking");
      if (canvas) {
        charts.push(barChart(canvas, data.ranking.slice(0, RANKING_BARS), labels, {
          labelKey: "zone", colour: PALETTE[0],
          onClick: function (event, elements, chart) {
            if (!elements.length) return;
            var row = chart.$rows[elements[0].index];
            if (row.list_url) window.location.href = row.list_url;
          }
        }));
      }
      canvas = document.getElementById("chart-stage");
      if (canvas) charts.push(barChart(canvas, data.by_stage, labels, { labelKey: "label", colour: PALETTE[2] }));
      canvas = document.getElementById("chart-industry");
      if (canvas) charts.push(barChart(canvas, data.by_industry, labels, { labelKey: "label", colour: PALETTE[1] }));
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target.id === "dashboard-results") draw();
    });
    // The language switch (a form with a `next` field on every page) keeps the view now shown.
    document.body.addEventListener("htmx:replacedInHistory", function () {
      var url = window.location.pathname + window.location.search;
      document.querySelectorAll("input[name=next]").forEach(function (input) { input.value = url; });
    });
    ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
      document.body.addEventListener(name, function () {
        document.getElementById("dashboard-status").textContent = labels.failed;
      });
    });
    draw();
    root.setAttribute("data-ready", "true");
  }

  /* ---- the zone page ------------------------------------------------------------------- */

  function zoneChart(data, labels) {
    var canvas = document.getElementById("chart-zone-months");
    if (!canvas || !data.series.length) return;
    var series = data.series[0];
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.months, datasets: [{ label: series.zone, data: series.amount_yi, backgroundColor: PALETTE[0] }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { title: { display: true, text: labels.month_axis } }, y: amountAxis(labels, "y") },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return series.amount_display[ctx.dataIndex] + " " + labels.unit; } } }
        },
        onClick: function (event, elements) {
          if (!elements.length || !series.slug) return;
          var month = data.months[elements[0].index];
          window.location.href = listUrl(data.links.project_list, "", { zone: series.slug, month_from: month, month_to: month });
        }
      }
    });
  }

  function start() {
    if (typeof window.Chart === "undefined") return;  // tables stay as the fallback
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    var labels = readJSON("dashboard-labels") || {};
    if (document.getElementById("dashboard")) dashboard(labels);
    var zone = readJSON("zone-chart-data");
    if (zone) zoneChart(zone, labels);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
