/* What the follow-through and comparison charts share (Chart.js from static/vendor): the
 * colours, the number format, the whole-pixel platform and the one-update construction the
 * dashboard uses (static/js/dashboard.js explains why each one is there), exposed as
 * window.ZitCharts for the page scripts loaded after this file. The server renders every
 * figure and table; these scripts only draw the charts from the json_script data. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Okabe & Ito's colours (told apart with every common colour-vision deficiency); lines also
   * differ by point shape and dash, so colour never carries meaning alone. */
  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross"];
  var DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

  var TICK_FORMAT = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  var PERCENT_FORMAT = new Intl.NumberFormat("zh-CN", { style: "percent", maximumFractionDigits: 1 });

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function numberTick(value) {
    return TICK_FORMAT.format(Number(value));
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : PERCENT_FORMAT.format(Number(value));
  }

  function amountAxis(labels) {
    return { beginAtZero: true, title: { display: true, text: labels.amount_axis }, ticks: { callback: numberTick } };
  }

  var platform = null;
  function WholePixelPlatform() {
    if (platform) return platform;
    var Base = window.Chart.DomPlatform;
    if (!Base) return undefined;
    platform = class extends Base {
      getMaximumSize(canvas, width, height, aspectRatio) {
        var size = super.getMaximumSize(canvas, width, height, aspectRatio);
        return { width: Math.floor(size.width), height: Math.floor(size.height) };
      }
    };
    return platform;
  }

  function chartOnce(canvas, config) {
    var data = config.data;
    config.data = { labels: [], datasets: [] };
    config.platform = WholePixelPlatform();
    var chart = new window.Chart(canvas, config);
    chart.data = data;
    chart.update();
    return chart;
  }

  /* The look of the i-th line: colour, point shape and dash. */
  function lineStyle(index) {
    var colour = PALETTE[index % PALETTE.length];
    return {
      borderColor: colour, backgroundColor: colour, pointBackgroundColor: colour,
      pointStyle: POINTS[index % POINTS.length], pointRadius: 3, pointHoverRadius: 5,
      borderDash: DASHES[Math.floor(index / PALETTE.length) % DASHES.length], borderWidth: 2
    };
  }

  function ready(fn) {
    if (typeof window.Chart === "undefined") return;  // the tables stay as the fallback
    function go() {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      fn();
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go);
    else go();
  }

  window.ZitCharts = {
    PALETTE: PALETTE, readJSON: readJSON, numberTick: numberTick, percent: percent,
    amountAxis: amountAxis, chartOnce: chartOnce, lineStyle: lineStyle, ready: ready
  };
})();
