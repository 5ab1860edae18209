/* The province map: China's provinces as a tile grid (chartjs-chart-matrix on Chart.js, both
 * from static/vendor), drawn from the json_script data `province-map-data`
 * (projects/province_map.py, templates/projects/_province_map.html).
 *
 * The colours are not written here: each tile is painted with its colour class's key in the
 * legend beside the map (static/css/province-map.css), so legend and tiles always agree and the
 * legend's text proves the contrast of the same colour pairs. Clicking a province filters the
 * page to it: where the filter form updates the page in place (htmx, the dashboard) the
 * province is chosen in the form, which sends it and puts it in the address bar; elsewhere the
 * tile's link is followed. The table's links do the same; without JavaScript they are plain
 * links, and the table holds every figure the map shows.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");  // shows the chart boxes (app.css)

  var chart = null;

  function keyColours(root) {
    var colours = {};
    root.querySelectorAll(".map-key[data-colour]").forEach(function (key) {
      var style = getComputedStyle(key);
      colours[key.getAttribute("data-colour")] = { fill: style.backgroundColor, text: style.color };
    });
    return colours;
  }

  /* Follows the tile's link, or, where the filter form is live (hx-get), sets its province and
   * lets the form send itself. `selected`: the province is the one filtered now (clear it). */
  function filterTo(province, url, selected) {
    var form = document.getElementById("filter-form");
    var select = form && form.querySelector("select[name=province]");
    var live = form && form.hasAttribute("hx-get") && window.htmx && select;
    var value = selected ? "" : province;
    if (live && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    if (url) window.location.href = url;
  }

  /* Writes each province's short name on its tile, in its colour class's text colour. */
  function tileLabels(colours) {
    var family = getComputedStyle(document.body).fontFamily;
    return {
      id: "tileLabels",
      afterDatasetsDraw: function (instance) {
        var ctx = instance.ctx;
        var points = instance.data.datasets[0].data;
        ctx.save();
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        instance.getDatasetMeta(0).data.forEach(function (element, index) {
          var tile = points[index].tile;
          var props = element.getProps(["x", "y", "width", "height"], true);
          var size = Math.max(9, Math.min(14, props.width / Math.max(2.6, tile.label.length + 0.6)));
          ctx.font = (tile.selected ? "700 " : "") + size + "px " + family;
          ctx.fillStyle = colours[tile.colour].text;
          ctx.fillText(tile.label, props.x + props.width / 2, props.y + props.height / 2);
        });
        ctx.restore();
      }
    };
  }

  function draw() {
    if (chart) { chart.destroy(); chart = null; }
    var root = document.getElementById("province-map");
    var canvas = document.getElementById("province-map-canvas");
    var node = document.getElementById("province-map-data");
    if (!root || !canvas || !node || typeof window.Chart === "undefined") return;
    if (!window.Chart.registry.controllers.get("matrix")) return;  // the table stays
    var data = JSON.parse(node.textContent);
    var colours = keyColours(root);
    var gap = 2;
    chart = new window.Chart(canvas, {
      type: "matrix",
      data: {
        datasets: [{
          data: data.tiles.map(function (tile) { return { x: tile.x, y: tile.y, tile: tile }; }),
          backgroundColor: function (c) { return c.raw ? colours[c.raw.tile.colour].fill : "transparent"; },
          borderColor: function (c) { return c.raw && c.raw.tile.selected ? "#000000" : "#ffffff"; },
          borderWidth: function (c) { return c.raw && c.raw.tile.selected ? 3 : 1; },
          width: function (c) { return ((c.chart.chartArea || {}).width || 0) / data.columns - gap; },
          height: function (c) { return ((c.chart.chartArea || {}).height || 0) / data.rows - gap; }
        }]
      },
      options: {
        responsive: true, maintainAspectRatio: true, aspectRatio: data.columns / data.rows, animation: false,
        layout: { padding: 2 },
        scales: {
          x: { type: "linear", min: 0.5, max: data.columns + 0.5, offset: false, display: false },
          y: { type: "linear", min: 0.5, max: data.rows + 0.5, offset: false, reverse: true, display: false }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? items[0].raw.tile.name : ""; },
              label: function (item) { return item.raw.tile.summary; }
            }
          }
        },
        onClick: function (event, elements, instance) {
          if (!elements.length) return;
          var tile = instance.data.datasets[0].data[elements[0].index].tile;
          if (tile.url) filterTo(tile.province, tile.url, tile.selected);
        },
        onHover: function (event, elements, instance) {
          var tile = elements.length && instance.data.datasets[0].data[elements[0].index].tile;
          event.native.target.style.cursor = tile && tile.url ? "pointer" : "default";
        }
      },
      plugins: [tileLabels(colours)]
    });
    root.setAttribute("data-drawn", "true");
  }

  function start() {
    document.body.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("#province-map a[data-province]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      filterTo(link.getAttribute("data-province"), link.getAttribute("href"), link.hasAttribute("aria-current"));
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target.querySelector && event.target.querySelector("#province-map-canvas")) draw();
    });
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
