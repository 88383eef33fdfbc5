// casegraph network page: draws the embedded graph with vis-network and filters it in place.
// Every text from the data is set as text (textContent, option text, vis-network string
// titles), never parsed as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("casegraph-data").textContent);
  var SYMBOLS = {dot: "\u25cf", square: "\u25a0", hexagon: "\u2b22", star: "\u2605", diamond: "\u25c6",
                 triangle: "\u25b2", triangleDown: "\u25bc", ellipse: "\u2b2d"};
  // node: [id, label, class, x, y, size, title, reviews, harm types, first year, last year, cross-review, lone]
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var style = data.classes[n[2]];
    return {id: n[0], label: n[1], cls: n[2], x: n[3], y: n[4], size: n[5], title: n[6], reviews: n[7],
            harm: n[8], firstYear: n[9], lastYear: n[10], cross: n[11], lone: !!n[12], shape: style.shape,
            color: {background: style.colour, border: n[11] ? "#111" : style.colour},
            borderWidth: n[11] ? 4 : 1};
  }));
  if (data.ego !== null && data.ego !== undefined) {  // the person the page is about: marked, labelled larger
    nodes.update({id: data.ego, borderWidth: 7, color: {background: nodes.get(data.ego).color.background, border: "#000"},
                  font: {size: 20, face: "system-ui, sans-serif", bold: true}, lone: false});
  }
  // edge: [from, to, label, title]
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return {id: i, from: e[0], to: e[1], label: e[2], title: e[3]};
  }));

  var shownClasses = new Set(data.classes.map(function (_, i) { return i; }));
  var filters = {review: "", harm: "", from: null, to: null};
  var visible = new Set();
  // Records with no relationship (a recommendation, a professional no one links to) say nothing about
  // connection: out of the way by default, a count and a box away, unless there is nothing else.
  var loneCount = data.nodes.filter(function (n) { return n[12]; }).length;
  var showLone = loneCount === data.nodes.length;
  var loneBox = document.getElementById("lone");
  loneBox.checked = showLone;
  document.getElementById("lone-count").textContent = String(loneCount);
  if (!loneCount) document.getElementById("lone-control").style.display = "none";  // [hidden] loses to the label's flex

  function passes(node) {
    if (node.lone && !showLone) return false;
    if (!shownClasses.has(node.cls)) return false;
    if (filters.review !== "" && node.reviews.indexOf(Number(filters.review)) < 0) return false;
    if (filters.harm !== "" && node.harm.indexOf(Number(filters.harm)) < 0) return false;
    if (node.firstYear !== null) {
      if (filters.from !== null && node.lastYear < filters.from) return false;
      if (filters.to !== null && node.firstYear > filters.to) return false;
    }
    return true;
  }
  function computeVisible() {
    visible = new Set();
    nodes.forEach(function (n) { if (passes(n)) visible.add(n.id); });
  }
  computeVisible();
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return visible.has(n.id); }});
  var edgeView = new vis.DataView(edges, {filter: function (e) { return visible.has(e.from) && visible.has(e.to); }});

  var big = data.nodes.length > 3000;
  var options = {
    autoResize: true,
    layout: {improvedLayout: false},
    physics: data.physics ? {enabled: true, solver: "barnesHut", stabilization: {enabled: true, iterations: 100, fit: true}}
                          : {enabled: false},
    interaction: {hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: true},
    nodes: {font: {size: 12, face: "system-ui, sans-serif"}},
    edges: {arrows: {to: {enabled: true, scaleFactor: 0.4}}, smooth: false, width: 0.8,
            color: {color: "#9a9a9a", highlight: "#333333", hover: "#555555"},
            font: {size: 9, color: "#555555", strokeWidth: 2, align: "middle"}}
  };
  var container = document.getElementById("network");
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, options);
  var physicsBox = document.getElementById("physics");
  physicsBox.checked = !!data.physics;
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: {enabled: false}});
    physicsBox.checked = false;
  });
  physicsBox.addEventListener("change", function () {
    network.setOptions({physics: {enabled: physicsBox.checked, stabilization: {enabled: false}}});
  });

  var status = document.getElementById("status");
  function showStatus() {
    status.textContent = (data.ego !== null && data.ego !== undefined ? "Centred on " + nodes.get(data.ego).label + ". " : "") +
      "Showing " + nodeView.length + " of " + nodes.length + " entities and " +
      edgeView.length + " of " + edges.length + " relationships." +
      (loneCount && !showLone ? " " + loneCount + " with no relationships are hidden (tick the box to show them)." : "");
  }
  function apply() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    showStatus();
  }
  showStatus();

  // Filters
  function fill(select, values) {
    values.forEach(function (value, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = value;
      select.appendChild(option);
    });
  }
  var reviewFilter = document.getElementById("review-filter");
  var harmFilter = document.getElementById("harm-filter");
  var yearFrom = document.getElementById("year-from");
  var yearTo = document.getElementById("year-to");
  fill(reviewFilter, data.reviews);
  fill(harmFilter, data.harmTypes);
  if (data.years) {
    [yearFrom, yearTo].forEach(function (input) { input.min = data.years[0]; input.max = data.years[1]; });
    yearFrom.placeholder = String(data.years[0]);
    yearTo.placeholder = String(data.years[1]);
  }
  function year(input) { return input.value === "" ? null : Number(input.value); }
  function readFilters() {
    filters = {review: reviewFilter.value, harm: harmFilter.value, from: year(yearFrom), to: year(yearTo)};
    apply();
  }
  [reviewFilter, harmFilter, yearFrom, yearTo].forEach(function (control) {
    control.addEventListener("change", readFilters);
  });

  // Legend: one entry per class present, with its shape, colour and count; a click hides or shows it.
  var legend = document.getElementById("legend");
  var counts = data.classes.map(function () { return 0; });
  data.nodes.forEach(function (n) { counts[n[2]] += 1; });
  var classBoxes = [];
  data.classes.forEach(function (style, i) {
    if (!counts[i]) return;
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.cls = String(i);
    box.setAttribute("aria-label", style.label);
    box.addEventListener("change", function () {
      if (box.checked) shownClasses.add(i); else shownClasses.delete(i);
      apply();
    });
    classBoxes.push(box);
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.color = style.colour;
    swatch.textContent = SYMBOLS[style.shape] || "\u25cf";
    var name = document.createElement("span");
    name.textContent = style.label;
    var count = document.createElement("span");
    count.className = "count";
    count.textContent = String(counts[i]);
    label.append(box, swatch, name, count);
    legend.appendChild(label);
  });

  loneBox.addEventListener("change", function () { showLone = loneBox.checked; apply(); });

  document.getElementById("reset").addEventListener("click", function () {
    showLone = loneBox.checked = true;
    reviewFilter.value = "";
    harmFilter.value = "";
    yearFrom.value = "";
    yearTo.value = "";
    classBoxes.forEach(function (box) { box.checked = true; shownClasses.add(Number(box.dataset.cls)); });
    readFilters();
    network.fit();
  });

  // Search: select and frame the shown nodes whose name or description contains the text.
  var search = document.getElementById("search");
  var searchResult = document.getElementById("search-result");
  function find() {
    var text = search.value.trim().toLowerCase();
    if (!text) { searchResult.textContent = ""; network.unselectAll(); return []; }
    var found = nodeView.get({filter: function (n) {
      return n.label.toLowerCase().indexOf(text) >= 0 || n.title.toLowerCase().indexOf(text) >= 0;
    }}).map(function (n) { return n.id; });
    searchResult.textContent = found.length + (found.length === 1 ? " match" : " matches");
    network.selectNodes(found);
    if (found.length) network.fit({nodes: found, animation: false});
    return found;
  }
  search.addEventListener("input", find);

  // Details: what a clicked node or relationship stands for, as text.
  var details = document.getElementById("details");
  network.on("click", function (params) {
    if (params.nodes.length) details.textContent = nodes.get(params.nodes[0]).title;
    else if (params.edges.length) details.textContent = edges.get(params.edges[0]).title;
  });

  var ready = false;
  network.once("afterDrawing", function () { ready = true; });
  window.casegraph = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, find: find,
    isReady: function () { return ready; },
    rendered: function () {
      return {nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length};
    }
  };
})();
