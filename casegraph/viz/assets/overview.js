// casegraph corpus overview: reviews as nodes, joined by the entities they share through accepted
// links (solid) and by undecided candidate matches (dashed). A click on a review or a line opens
// the entity network on the entities behind it (page.js builds it then, not before: a corpus's
// entities take far longer to read than its reviews).
(function () {
  "use strict";
  var element = document.getElementById("casegraph-overview");
  if (element.textContent.trim() === "null") return;
  var data = JSON.parse(element.textContent);
  var api = window.casegraph;
  // Years from the first to the last, light to dark (a sequential blue); harm types, Okabe-Ito.
  var YEAR_COLOURS = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"];
  var HARM_COLOURS = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#B8A200", "#000000"];
  var OTHER = "#bdbdbd";
  var HUBS_SHOWN_UP_TO = 3000;  // lines from hubs to their reviews drawn by default
  var ACCEPTED = "#222222", CANDIDATE = "#D55E00";

  function yearColour(row) {
    if (row[3] === null || !data.years) return OTHER;
    var span = Math.max(data.years[1] - data.years[0], 1);
    return YEAR_COLOURS[Math.min(YEAR_COLOURS.length - 1, Math.floor((row[3] - data.years[0]) / span * YEAR_COLOURS.length))];
  }
  // The commonest harm types get their own colours; the rest share grey.
  var harmCounts = data.harmTypes.map(function () { return 0; });
  data.reviews.forEach(function (row) { if (row[5] !== null) harmCounts[row[5]] += 1; });
  var harmRank = harmCounts.map(function (_, i) { return i; })
    .sort(function (a, b) { return harmCounts[b] - harmCounts[a] || a - b; })
    .filter(function (i) { return harmCounts[i] > 0; });
  function harmColour(row) {
    var at = row[5] === null ? -1 : harmRank.indexOf(row[5]);
    return at >= 0 && at < HARM_COLOURS.length ? HARM_COLOURS[at] : OTHER;
  }

  // review: [index, id, title, year, people, main harm type, x, y, size, tooltip]
  var rows = data.reviews.map(function (row) {
    return {id: row[0], name: row[1], x: row[6], y: row[7], size: row[8], title: row[9], shape: "dot",
            color: {background: yearColour(row), border: "#333"}, borderWidth: 1};
  });
  // hub: [index, name, shape, review indices, entity index, x, y, size, tooltip]: an entity in many reviews
  var HUB_SHAPES = {dot: 1, square: 1, hexagon: 1, star: 1, diamond: 1, triangle: 1, triangleDown: 1};
  var hubs = data.hubs || [];
  var hubOf = new Map(hubs.map(function (hub) { return [hub[0], hub]; }));
  hubs.forEach(function (hub) {
    rows.push({id: hub[0], name: hub[1], x: hub[5], y: hub[6], size: hub[7], title: hub[8], hub: true,
               shape: HUB_SHAPES[hub[2]] ? hub[2] : "dot", color: {background: "#8c8c8c", border: "#555"}, borderWidth: 1});
  });
  var nodes = new vis.DataSet(rows);
  // link: [review a, review b, "accepted" | "candidate", count, tooltip, entity indices]
  var lines = data.links.map(function (link, i) {
    var accepted = link[2] === "accepted";
    return {id: i, from: link[0], to: link[1], title: link[4], kind: link[2],
            width: (accepted ? 1.5 : 1) + 1.5 * Math.log2(link[3]), dashes: accepted ? false : [6, 5],
            smooth: accepted ? false : {enabled: true, type: "curvedCW", roundness: 0.25},  // apart from an accepted line
            color: {color: accepted ? ACCEPTED : CANDIDATE, highlight: "#0072B2", hover: "#0072B2"}};
  });
  var spokes = 0;
  hubs.forEach(function (hub) {
    hub[3].forEach(function (review) {
      lines.push({id: "s" + (spokes++), from: hub[0], to: review, kind: "hub", width: 0.6,
                  color: {color: "#c4c4c4", highlight: "#0072B2", hover: "#0072B2"}});
    });
  });
  var edges = new vis.DataSet(lines);
  var showCandidates = true;
  var showHubs = spokes <= HUBS_SHOWN_UP_TO;  // past that, a hairball again: a box away
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return showHubs || !n.hub; }});
  var edgeView = new vis.DataView(edges, {filter: function (e) {
    return e.kind === "hub" ? showHubs : (showCandidates || e.kind === "accepted");
  }});
  var container = document.getElementById("overview-network");
  api.showMode("overview");
  var big = lines.length > 5000;
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, {
    autoResize: true, layout: {improvedLayout: false}, physics: {enabled: false},
    interaction: {hover: true, tooltipDelay: 150, multiselect: false, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
    edges: {smooth: false}
  });
  // Areas: a faint circle round each area's reviews, named inside its top at a constant size on
  // screen (inside, so two areas' names never meet), drawn over the nodes and kept clear of labels.
  var areas = data.areas || [];
  var CAPTION_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  network.on("beforeDrawing", function (ctx) {
    var scale = network.getScale();
    areas.forEach(function (area) {  // [name, x, y, radius, count of reviews, review indices]
      ctx.beginPath();
      ctx.arc(area[1], area[2], area[3] + 12, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(0, 0, 0, 0.035)";
      ctx.fill();
      ctx.lineWidth = 1 / scale;
      ctx.strokeStyle = "rgba(0, 0, 0, 0.25)";
      ctx.stroke();
    });
  });
  var drawnCaptions = [];
  function captions(ctx) {  // screen boxes of the areas' names: [area, lines, x, y, w, h]
    var view = network.body.view, scale = view.scale, out = [];
    areas.forEach(function (area) {
      var lines = [area[0], area[4] + (area[4] === 1 ? " review" : " reviews")];
      ctx.font = "bold 14px " + CAPTION_FONT;
      var w = Math.max(ctx.measureText(lines[0]).width, ctx.measureText(lines[1]).width) + 6;
      var x = area[1] * scale + view.translation.x, top = (area[2] - area[3]) * scale + view.translation.y;
      out.push({area: area, lines: lines, x: x - w / 2, y: top + 4, w: w, h: 33});
    });
    return out;
  }
  // Labels: reviews joined to most others first  // Labels: reviews joined to most others first, then by the people they record; the biggest hubs.
  var joined = data.reviews.map(function () { return 0; });
  data.links.forEach(function (link) { joined[link[0]] += 1; joined[link[1]] += 1; });
  hubs.forEach(function (hub) { hub[3].forEach(function (review) { joined[review] += 1; }); });
  var order = data.reviews.map(function (row) { return row[0]; }).sort(function (a, b) {
    return joined[b] - joined[a] || data.reviews[b][4] - data.reviews[a][4] || a - b;
  });
  var hubOrder = hubs.slice().sort(function (a, b) { return b[3].length - a[3].length || a[0] - b[0]; })
    .map(function (hub) { return hub[0]; });
  var must = new Set(order.filter(function (i) { return joined[i] > 0; }).slice(0, 25).concat(hubOrder.slice(0, 8)));
  var labels = window.casegraphLabels(network, {
    text: function (id) { return id < data.reviews.length ? data.reviews[id][1] : hubOf.get(id)[1]; },
    order: hubOrder.slice(0, 8).concat(order, hubOrder.slice(8)), must: must, ego: null,
    obstacles: function (ctx) { return captions(ctx); }
  });
  network.on("afterDrawing", function (ctx) {  // after the labels' own handler: on top of everything
    var ratio = network.canvas.pixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    drawnCaptions = captions(ctx);
    drawnCaptions.forEach(function (box) {
      box.lines.forEach(function (line, k) {
        ctx.font = (k ? "" : "bold ") + (k ? 12 : 14) + "px " + CAPTION_FONT;
        ctx.lineWidth = 4;
        ctx.strokeStyle = "rgba(255, 255, 255, 0.95)";
        ctx.strokeText(line, box.x + box.w / 2, box.y + 1 + 17 * k);
        ctx.fillStyle = k ? "#555" : "#333";
        ctx.fillText(line, box.x + box.w / 2, box.y + 1 + 17 * k);
      });
    });
    ctx.restore();
  });
  var shown = {network: network, labels: labels.placed, nodes: nodes, edges: edges,
               captions: function () { return drawnCaptions.map(function (b) { return {text: b.lines.join(" "), x: b.x, y: b.y, w: b.w, h: b.h}; }); }};

  var accepted = data.links.filter(function (l) { return l[2] === "accepted"; });
  var candidates = data.links.length - accepted.length;
  var shared = accepted.reduce(function (sum, l) { return sum + l[3]; }, 0);
  var status = document.getElementById("status");
  function count(n) { return n.toLocaleString("en-GB"); }  // 1,300 reviews, as the page's title writes it
  function overviewStatus() {
    status.textContent = count(data.reviews.length) + " reviews. " + count(accepted.length) +
      (accepted.length === 1 ? " pair of reviews shares " : " pairs of reviews share ") + count(shared) +
      " entities through accepted links; " + count(candidates) + (candidates === 1 ? " pair has" : " pairs have") +
      " undecided candidate matches" +
      (data.threshold !== null ? " above " + data.threshold : "") + ". " +
      (hubs.length ? count(hubs.length) + " entities are in more than three reviews each (small grey nodes" +
        (showHubs ? "" : ", hidden: tick the box to show them") + "). " : "") +
      "Click a review, an entity, a line or an area to see the entities behind it.";
  }
  document.getElementById("candidate-count").textContent = String(candidates);
  var hubBox = document.getElementById("hubs");
  hubBox.checked = showHubs;
  document.getElementById("hub-count").textContent = String(hubs.length);
  if (!hubs.length) document.getElementById("hub-control").style.display = "none";
  hubBox.addEventListener("change", function () { showHubs = hubBox.checked; nodeView.refresh(); edgeView.refresh(); overviewStatus(); });
  var candidateBox = document.getElementById("candidates");
  candidateBox.addEventListener("change", function () { showCandidates = candidateBox.checked; edgeView.refresh(); });

  var legend = document.getElementById("overview-legend");
  function entry(text, colour) {
    var label = document.createElement("label");
    var name = document.createElement("span");
    name.textContent = text;
    label.append(api.swatch("dot", colour, "#333"), name);
    legend.appendChild(label);
  }
  function colour(mode) {
    var colourOf = mode === "harm" ? harmColour : yearColour;
    nodes.update(data.reviews.map(function (row) { return {id: row[0], color: {background: colourOf(row), border: "#333"}}; }));
    legend.querySelectorAll("label, p").forEach(function (old) { old.remove(); });
    if (mode === "harm") {
      harmRank.slice(0, HARM_COLOURS.length).forEach(function (i, at) { entry(data.harmTypes[i], HARM_COLOURS[at]); });
      entry(harmRank.length > HARM_COLOURS.length ? "other harm types, or none coded" : "no incidents coded", OTHER);
    } else if (data.years) {
      var span = Math.max(data.years[1] - data.years[0], 1), step = span / YEAR_COLOURS.length;
      YEAR_COLOURS.forEach(function (c, k) {
        var from = Math.ceil(data.years[0] + k * step), to = Math.ceil(data.years[0] + (k + 1) * step) - 1;
        if (k === YEAR_COLOURS.length - 1) to = data.years[1];
        if (to >= from) entry(from === to ? String(from) : from + "\u2013" + to, c);
      });
      entry("year not given", OTHER);
    }
    var key = document.createElement("p");
    key.className = "hint";
    key.textContent = "Solid dark line: accepted links. Dashed orange line: candidate matches. Small grey " +
      "node: one entity in more than three reviews, with a light line to each.";
    legend.appendChild(key);
  }
  var colourSelect = document.getElementById("overview-colour");
  colourSelect.addEventListener("change", function () { colour(colourSelect.value); });
  colour("year");

  var details = document.getElementById("details");
  network.on("click", function (params) {
    if (params.nodes.length && hubOf.has(params.nodes[0])) {
      var hub = hubOf.get(params.nodes[0]);
      api.showEntities(hub[3], hub[4] === null ? [] : [hub[4]], hub[1] + ", in " + hub[3].length + " reviews (selected).");
    } else if (params.nodes.length) {
      var row = data.reviews[params.nodes[0]];
      api.showEntities([row[0]], [], "Review " + row[1] + " (from the overview).");
    } else if (params.edges.length) {
      var link = data.links[params.edges[0]];
      var a = data.reviews[link[0]][1], b = data.reviews[link[1]][1];
      var opened = api.showEntities([link[0], link[1]], link[5], "Reviews " + a + " and " + b + ": " +
        (link[2] === "accepted" ? "the entities they share are selected." : "the candidate matches are selected."));
      details.textContent = link[4];
      return opened;
    } else {
      var at = params.pointer.canvas, area = areas.filter(function (a) {
        return Math.hypot(at.x - a[1], at.y - a[2]) <= a[3] + 12;
      })[0];
      if (area) api.showEntities(area[5], [], area[0] + ": its " + area[4] + " reviews (from the overview).");
    }
  });

  function showOverview() {
    api.showMode("overview");
    api.setCurrent(shown);
    api.labels = function () { return labels.placed(); };
    overviewStatus();
    network.redraw();
  }
  document.getElementById("modes").hidden = false;
  document.getElementById("mode-overview").addEventListener("click", showOverview);
  document.getElementById("mode-entities").addEventListener("click", function () { api.showEntities(); });
  api.overview = shown;
  api.showOverview = showOverview;
  // vis-network fits its nodes; with areas, fit their circles and names too.
  function fitAreas() {
    if (!areas.length) return;
    var box = {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
    areas.forEach(function (a) {
      box.x0 = Math.min(box.x0, a[1] - a[3] - 12); box.x1 = Math.max(box.x1, a[1] + a[3] + 12);
      box.y0 = Math.min(box.y0, a[2] - a[3] - 12); box.y1 = Math.max(box.y1, a[2] + a[3] + 12);
    });
    var W = container.clientWidth || 1, H = container.clientHeight || 1;
    var scale = 0.96 * Math.min(W / (box.x1 - box.x0), H / (box.y1 - box.y0));
    network.moveTo({position: {x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2}, scale: scale, animation: false});
  }
  fitAreas();
  network.once("afterDrawing", function () { api.markReady(); });
  showOverview();
})();
