/* Dashboard and zone-page charts (Chart.js from static/vendor).
 *
 * The server renders every figure as a table; this file draws the charts from the data
 * embedded with json_script, and on the dashboard re-fetches the chart data endpoint
 * (/api/totals/) whenever the filter changes, updating charts, tables, figures, export
 * links and the URL (history.replaceState) so that the address always reproduces the view.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var PALETTE = ["#1f6feb", "#e8590c", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599", "#d6336c",
    "#5c940d", "#364fc7", "#a61e4d", "#087f5b", "#862e9c", "#e67700", "#1864ab", "#c2255c",
    "#2b8a3e", "#5f3dc4", "#d9480f", "#0b7285", "#495057"];
  var OTHER = "#adb5bd";
  var RANKING_BARS = 15;

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function make(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  /* One formatter for every tick: toLocaleString with options builds a new Intl.NumberFormat per
   * call, and Chart.js formats each tick several times while fitting an axis. */
  var TICK_FORMAT = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  function numberTick(value) {
    return TICK_FORMAT.format(Number(value));
  }

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

  function amountAxis(labels, axis) {
    var scale = { beginAtZero: true, title: { display: true, text: labels.amount_axis }, ticks: { callback: numberTick } };
    if (axis === "x") scale.grid = { display: true };
    return scale;
  }

  /* Chart.js sizes a canvas to its box's width, fractions included (905.625px), and compares that
   * with the canvas's pixel width, always whole: they never match, so the box's first resize
   * observation (which every observed element gets, right after the first layout) redraws each
   * chart in full at the size it already has (~60 ms for the monthly chart). Whole pixels make
   * that observation a no-op; the canvas is at most one pixel narrower than its box. */
  var wholePixelPlatform = null;
  function WholePixelPlatform() {
    if (wholePixelPlatform) return wholePixelPlatform;
    var Base = window.Chart.DomPlatform;
    if (!Base) return undefined;  // Chart.js picks its own
    wholePixelPlatform = class extends Base {
      getMaximumSize(canvas, width, height, aspectRatio) {
        var size = super.getMaximumSize(canvas, width, height, aspectRatio);
        return { width: Math.floor(size.width), height: Math.floor(size.height) };
      }
    };
    return wholePixelPlatform;
  }

  /* A responsive chart updates itself twice while it is constructed (once when it attaches to
   * the page and sizes its canvas, once more at the end of the constructor): with 9 series ×
   * 120 months each update was ~40 ms. Constructed without data, both are cheap; the data is
   * then set and drawn by one update (synchronous: animation is off), before the dashboard
   * marks itself ready. */
  function chartOnce(canvas, config) {
    var data = config.data;
    config.data = { labels: [], datasets: [] };
    config.platform = WholePixelPlatform();
    var chart = new window.Chart(canvas, config);
    chart.data = data;
    chart.update();
    return chart;
  }

  /* ---- monthly stacked bars ------------------------------------------------------------ */

  function monthDatasets(data) {
    var colour = 0;
    return data.series.map(function (series) {
      var fill = series.other ? OTHER : PALETTE[colour++ % PALETTE.length];
      return {
        label: series.zone, data: series.amount_yi, backgroundColor: fill, borderWidth: 0,
        slug: series.slug, other: series.other, display: series.amount_display, stack: "zones"
      };
    });
  }

  function monthChart(canvas, state, labels) {
    return chartOnce(canvas, {
      type: "bar",
      data: { labels: state.data.months, datasets: monthDatasets(state.data) },
      options: {
        // normalized: the months are unique and in order, so Chart.js skips sorting and
        // checking them; sampleSize: "YYYY-MM" labels are all as wide, so measuring 12 of up
        // to 240 sizes the axis as well as measuring them all (both are Chart.js's own
        // performance options; 9 series × 120 months made this the slowest chart to draw).
        responsive: true, maintainAspectRatio: false, animation: false, normalized: true,
        interaction: { mode: "nearest", intersect: true },
        scales: {
          x: { stacked: true, title: { display: true, text: labels.month_axis }, ticks: { sampleSize: 12 } },
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
                var total = state.data.month_totals[items[0].dataIndex];
                return labels.total + "：" + total.amount_display + " " + labels.unit;
              }
            }
          }
        },
        onClick: function (event, elements, chart) {
          if (!elements.length) return;
          var dataset = chart.data.datasets[elements[0].datasetIndex];
          var month = chart.data.labels[elements[0].index];
          var overrides = { month_from: month, month_to: month };
          if (!dataset.other && dataset.slug) overrides.zone = dataset.slug;
          window.location.href = listUrl(state.data.links.project_list, state.data.query, overrides);
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        }
      }
    });
  }

  /* ---- horizontal bars: ranking, stage, industry ------------------------------------------ */

  function barChart(canvas, rows, labels, options) {
    return chartOnce(canvas, {
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
  }

  function barData(rows, labelKey, colour) {
    return {
      labels: rows.map(function (row) { return row[labelKey]; }),
      datasets: [{ label: "", data: rows.map(function (row) { return row.amount_yi; }), backgroundColor: colour, borderWidth: 0 }]
    };
  }

  function setBarRows(chart, rows, labelKey, colour) {
    chart.$rows = rows;
    chart.data = barData(rows, labelKey, colour);
    chart.update();
  }

  /* ---- tables -------------------------------------------------------------------------- */

  function emptyRow(tbody, columns, labels) {
    var tr = make("tr");
    var td = make("td", labels.no_data);
    td.colSpan = columns;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }

  function fillMonthTable(table, data, labels) {
    var head = make("tr");
    head.appendChild(headCell(table.tHead.rows[0].cells[0].textContent));
    data.series.forEach(function (series) { head.appendChild(headCell(series.zone, "num")); });
    var cells = table.tHead.rows[0].cells;
    head.appendChild(headCell(cells[cells.length - 2].textContent, "num"));
    head.appendChild(headCell(cells[cells.length - 1].textContent, "num"));
    table.tHead.replaceChildren(head);
    var tbody = make("tbody");
    data.months.forEach(function (month, i) {
      var tr = make("tr");
      var th = make("th", month);
      th.scope = "row";
      tr.appendChild(th);
      data.series.forEach(function (series) { tr.appendChild(make("td", series.amount_display[i], "num")); });
      tr.appendChild(make("td", data.month_totals[i].amount_display, "num strong"));
      tr.appendChild(make("td", data.month_totals[i].records, "num"));
      tbody.appendChild(tr);
    });
    if (!data.months.length) emptyRow(tbody, 3, labels);
    table.replaceChild(tbody, table.tBodies[0]);
  }

  function headCell(text, className) {
    var th = make("th", text, className);
    th.scope = "col";
    return th;
  }

  function fillRankingTable(table, rows, labels) {
    var tbody = make("tbody");
    rows.forEach(function (row, i) {
      var tr = make("tr");
      tr.appendChild(make("td", i + 1, "num"));
      var th = make("th");
      th.scope = "row";
      if (row.list_url) {
        var a = make("a", row.zone);
        a.href = row.list_url;
        th.appendChild(a);
      } else {
        th.textContent = row.zone;
      }
      tr.appendChild(th);
      [row.amount_display, row.projects, row.batches, row.approximate_share_display].forEach(function (value) {
        tr.appendChild(make("td", value, "num"));
      });
      tbody.appendChild(tr);
    });
    if (!rows.length) emptyRow(tbody, 6, labels);
    table.replaceChild(tbody, table.tBodies[0]);
  }

  function fillBreakdownTable(table, rows, labels) {
    var tbody = make("tbody");
    rows.forEach(function (row) {
      var tr = make("tr");
      var th = make("th", row.label);
      th.scope = "row";
      tr.appendChild(th);
      [row.amount_display, row.projects, row.batches, row.approximate_share_display].forEach(function (value) {
        tr.appendChild(make("td", value, "num"));
      });
      tbody.appendChild(tr);
    });
    if (!rows.length) emptyRow(tbody, 5, labels);
    table.replaceChild(tbody, table.tBodies[0]);
  }

  function fillFigures(root, data) {
    root.querySelectorAll("[data-field]").forEach(function (node) {
      var value = node.getAttribute("data-field").split(".").reduce(function (obj, key) {
        return obj == null ? obj : obj[key];
      }, data);
      node.textContent = value == null ? "—" : String(value);
    });
  }

  /* ---- the dashboard ------------------------------------------------------------------- */

  function dashboard(data, labels) {
    var state = { data: data, request: 0 };
    var charts = {};
    var form = document.getElementById("filter-form");
    var root = document.getElementById("dashboard");

    function draw() {
      var canvas = document.getElementById("chart-months");
      if (canvas) charts.months = monthChart(canvas, state, labels);
      canvas = document.getElementById("chart-ranking");
      if (canvas) {
        charts.ranking = barChart(canvas, state.data.ranking.slice(0, RANKING_BARS), labels, {
          labelKey: "zone", colour: PALETTE[0],
          onClick: function (event, elements, chart) {
            if (!elements.length) return;
            var row = chart.$rows[elements[0].index];
            if (row.list_url) window.location.href = row.list_url;
          }
        });
        charts.ranking.$rows = state.data.ranking.slice(0, RANKING_BARS);
      }
      canvas = document.getElementById("chart-stage");
      if (canvas) {
        charts.stage = barChart(canvas, state.data.by_stage, labels, { labelKey: "label", colour: PALETTE[2] });
        charts.stage.$rows = state.data.by_stage;
      }
      canvas = document.getElementById("chart-industry");
      if (canvas) {
        charts.industry = barChart(canvas, state.data.by_industry, labels, { labelKey: "label", colour: PALETTE[1] });
        charts.industry.$rows = state.data.by_industry;
      }
    }

    function render() {
      var data = state.data;
      if (charts.months) {
        charts.months.data.labels = data.months;
        charts.months.data.datasets = monthDatasets(data);
        charts.months.update();
      }
      if (charts.ranking) setBarRows(charts.ranking, data.ranking.slice(0, RANKING_BARS), "zone", PALETTE[0]);
      if (charts.stage) setBarRows(charts.stage, data.by_stage, "label", PALETTE[2]);
      if (charts.industry) setBarRows(charts.industry, data.by_industry, "label", PALETTE[1]);
      fillMonthTable(document.getElementById("table-months"), data, labels);
      fillRankingTable(document.getElementById("table-ranking"), data.ranking, labels);
      fillBreakdownTable(document.getElementById("table-stage"), data.by_stage, labels);
      fillBreakdownTable(document.getElementById("table-industry"), data.by_industry, labels);
      fillFigures(root, data);
      document.querySelectorAll("[data-export]").forEach(function (link) {
        var href = data.links.exports[link.getAttribute("data-export")];
        if (href) link.href = href;
      });
    }

    function formQuery() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== "") params.append(key, value);
      });
      return params.toString();
    }

    function refresh() {
      var query = formQuery();
      var ticket = ++state.request;
      root.setAttribute("aria-busy", "true");
      fetch(state.data.links.api + (query ? "?" + query : ""), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) {
        if (ticket !== state.request) return;  // a newer request is on its way
        state.data = data;
        render();
        var url = window.location.pathname + (query ? "?" + query : "");
        window.history.replaceState(null, "", url);
        document.querySelectorAll("input[name=next]").forEach(function (input) { input.value = url; });
        root.removeAttribute("aria-busy");
        root.setAttribute("data-query", query);
        document.dispatchEvent(new CustomEvent("dashboard:updated", { detail: data }));
      }).catch(function () {
        if (ticket !== state.request) return;
        root.removeAttribute("aria-busy");
        window.alert(labels.failed);
      });
    }

    var timer = null;
    function later(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, delay);
    }

    var zoneSelect = form && form.querySelector("select[name=zone]");
    var zoneLabel = document.querySelector("[data-selected-zones]");
    if (zoneSelect && zoneLabel) {
      var allZones = zoneLabel.getAttribute("data-all");
      zoneSelect.addEventListener("change", function () {
        var names = Array.prototype.map.call(zoneSelect.selectedOptions, function (option) {
          return option.value;
        });
        zoneLabel.textContent = names.length ? names.join("、") : allZones;
      });
    }

    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); later(0); });
      form.addEventListener("change", function () { later(150); });
      form.addEventListener("input", function (event) {
        if (event.target.type === "text" || event.target.type === "number") later(600);
      });
    }
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
    var data = readJSON("dashboard-data");
    if (data) dashboard(data, labels);
    var zone = readJSON("zone-chart-data");
    if (zone) zoneChart(zone, labels);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
