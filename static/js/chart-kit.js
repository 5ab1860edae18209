/* What every chart script shares (Chart.js from static/vendor): the colours, the number
 * formats, the whole-pixel platform and the one-update construction, exposed as
 * window.ZitCharts for the page scripts loaded after this file (dashboard.js, compare.js,
 * follow-through-charts.js). The server renders every figure and table; these scripts only
 * draw the charts from the json_script data. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Okabe & Ito's colours (told apart with every common colour-vision deficiency); lines also
   * differ by point shape and dash, so colour never carries meaning alone. */
  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross"];
  var DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

  /* One formatter for every tick: toLocaleString with options builds a new Intl.NumberFormat per
   * call, and Chart.js formats each tick several times while fitting an axis. */
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

  /* Chart.js sizes a canvas to its box's width, fractions included (905.625px), and compares that
   * with the canvas's pixel width, always whole: they never match, so the box's first resize
   * observation (which every observed element gets, right after the first layout) redraws each
   * chart in full at the size it already has. Whole pixels make that observation a no-op; the
   * canvas is at most one pixel narrower than its box. */
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

  /* A responsive chart updates itself twice while it is constructed (once when it attaches to
   * the page and sizes its canvas, once more at the end of the constructor), each over every
   * series and month. Constructed without data, both are cheap; the data is then set and drawn
   * by one update (synchronous: animation is off), before the page marks itself ready. */
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
