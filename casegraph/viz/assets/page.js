// casegraph network page: draws the embedded graph with vis-network and filters it in place.
// Every text from the data is set as text (textContent, option text, vis-network string
// titles, canvas text), never parsed as markup. A page with a corpus overview (overview.js)
// opens on it and builds the entity network the first time it is asked for.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  // Twelve colours for "colour by review" (Okabe-Ito, then darker and lighter steps of it);
  // past twelve reviews they repeat, and the legend says so.
  var REVIEW_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#B8A200", "#7F7F7F",
                        "#003F63", "#8C3D00", "#005C43", "#8F4F75"];
  var SEVERAL = "#ffffff";  // an entity in several reviews: white, with its thick black border

  // A legend swatch drawn as the node is: the same shape in the same colour.
  function swatch(shape, colour, border) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "-10 -10 20 20");
    svg.setAttribute("class", "swatch");
    svg.setAttribute("aria-hidden", "true");
    var points = {
      triangle: [[0, -8], [8, 6], [-8, 6]], triangleDown: [[0, 8], [8, -6], [-8, -6]],
      diamond: [[0, -9], [9, 0], [0, 9], [-9, 0]],
      hexagon: [0, 1, 2, 3, 4, 5].map(function (k) { return [8.5 * Math.cos(k * Math.PI / 3), 8.5 * Math.sin(k * Math.PI / 3)]; }),
      star: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(function (k) {
        var r = k % 2 ? 3.8 : 9, a = -Math.PI / 2 + k * Math.PI / 5;
        return [r * Math.cos(a), r * Math.sin(a)];
      })
    }[shape];
    var mark;
    if (points) {
      mark = document.createElementNS(SVG, "polygon");
      mark.setAttribute("points", points.map(function (p) { return p[0].toFixed(2) + "," + p[1].toFixed(2); }).join(" "));
    } else if (shape === "square") {
      mark = document.createElementNS(SVG, "rect");
      [["x", -7.5], ["y", -7.5], ["width", 15], ["height", 15]].forEach(function (a) { mark.setAttribute(a[0], a[1]); });
    } else if (shape === "custom") {
      mark = document.createElementNS(SVG, "rect");
      [["x", -9], ["y", -5], ["width", 18], ["height", 10], ["rx", 5]].forEach(function (a) { mark.setAttribute(a[0], a[1]); });
    } else {
      mark = document.createElementNS(SVG, "circle");
      mark.setAttribute("r", "7.5");
    }
    mark.setAttribute("fill", colour);
    mark.setAttribute("stroke", border || colour);
    mark.setAttribute("stroke-width", border ? "2.5" : "1");
    svg.appendChild(mark);
    return svg;
  }

  // Recommendations (and any family without a shape of its own) are pills of the node's size:
  // vis-network's own ellipse is sized by a label, and labels here are drawn apart (labels.js).
  function pill(args) {
    var ctx = args.ctx, style = args.style, r = style.size;
    return {
      drawNode: function () {
        ctx.beginPath();
        ctx.moveTo(args.x - r, args.y - r * 0.55);
        ctx.arc(args.x - r * 0.45, args.y, r * 0.55, -Math.PI / 2, Math.PI / 2, true);
        ctx.arc(args.x + r * 0.45, args.y, r * 0.55, Math.PI / 2, -Math.PI / 2, true);
        ctx.closePath();
        ctx.fillStyle = style.color;
        ctx.fill();
        ctx.lineWidth = style.borderWidth;
        ctx.strokeStyle = style.borderColor;
        ctx.stroke();
      },
      nodeDimensions: {width: 2 * r, height: 1.1 * r}
    };
  }
  var SHAPES = {dot: 1, square: 1, hexagon: 1, star: 1, diamond: 1, triangle: 1, triangleDown: 1};

  var ready = false;
  var current = null;  // the network shown now
  var entityApi = null;

  // `start` (optional): the reviews to show first, so a corpus's network is built on them and not
  // on every entity (vis-network's cost grows with the nodes it is given).
  function entityNetwork(start) {
    var data = JSON.parse(document.getElementById("casegraph-data").textContent);
    var hasEgo = data.ego !== null && data.ego !== undefined;
    // node: [id, label, class, x, y, size, title, reviews, harm types, first year, last year, cross-review, lone]
    function classColour(n) { return data.classes[n[2]].colour; }
    function reviewColour(n) { return n[7].length > 1 ? SEVERAL : REVIEW_COLOURS[n[7][0] % REVIEW_COLOURS.length]; }
    function looks(n, colourOf) {
      var ego = hasEgo && n[0] === data.ego;
      return {color: {background: colourOf(n) || "#7F7F7F", border: ego ? "#000" : n[11] ? "#111" : colourOf(n)},
              borderWidth: ego ? 7 : n[11] ? 4 : 1};
    }
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var style = data.classes[n[2]];
      var node = {id: n[0], name: n[1], cls: n[2], x: n[3], y: n[4], size: n[5], title: n[6], reviews: n[7],
                  harm: n[8], firstYear: n[9], lastYear: n[10], cross: n[11], lone: !!n[12] && !(hasEgo && n[0] === data.ego),
                  shape: SHAPES[style.shape] ? style.shape : "custom"};
      if (node.shape === "custom") node.ctxRenderer = pill;
      var look = looks(n, classColour);
      node.color = look.color;
      node.borderWidth = look.borderWidth;
      return node;
    }));
    // edge: [from, to, relationship, reviews stating it]; its label shows once zoomed in to a readable size
    function fullName(i) { var title = data.nodes[i][6]; var end = title.indexOf("\n"); return end < 0 ? title : title.slice(0, end); }
    var edges = new vis.DataSet(data.edges.map(function (e, i) {
      var relationship = data.relationships[e[2]];
      var stated = e[3].map(function (r) { return data.reviews[r]; }).join(", ") || "the ontology";
      return {id: i, from: e[0], to: e[1], label: relationship[0],
              title: fullName(e[0]) + " " + relationship[0] + " " + fullName(e[1]) + "\n(" + relationship[1] +
                     "; stated in " + stated + ")"};
    }));

    var shownClasses = new Set(data.classes.map(function (_, i) { return i; }));
    var filters = {review: "", harm: "", from: null, to: null,
                   reviews: start && start.length ? new Set(start) : null};
    var visible = new Set();
    // Records with no relationship (a recommendation, a professional no one links to) say nothing about
    // connection: out of the way by default, a count and a box away, unless there is nothing else.
    var loneCount = nodes.get({filter: function (n) { return n.lone; }}).length;
    var showLone = loneCount === data.nodes.length;
    var loneBox = document.getElementById("lone");
    loneBox.checked = showLone;
    document.getElementById("lone-count").textContent = String(loneCount);
    if (!loneCount) document.getElementById("lone-control").style.display = "none";  // [hidden] loses to the label's flex

    function passes(node) {
      if (node.lone && !showLone) return false;
      if (!shownClasses.has(node.cls)) return false;
      if (filters.review !== "" && node.reviews.indexOf(Number(filters.review)) < 0) return false;
      if (filters.reviews && !node.reviews.some(function (r) { return filters.reviews.has(r); })) return false;
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
      edges: {arrows: {to: {enabled: true, scaleFactor: 0.4}}, smooth: false, width: 0.8,
              color: {color: "#9a9a9a", highlight: "#333333", hover: "#555555"},
              font: {size: 11, color: "#555555", strokeWidth: 2, align: "middle"},
              scaling: {label: {drawThreshold: 11}}}
    };
    var container = document.getElementById("network");
    var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, options);
    var labels = window.casegraphLabels(network, {
      text: function (id) { var n = nodes.get(id); return n ? n.name : ""; },
      order: data.labelOrder, must: new Set(data.mustLabel), ego: hasEgo ? data.ego : null
    });
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
    var focusNote = "";
    function showStatus() {
      status.textContent = focusNote + (hasEgo ? "Centred on " + nodes.get(data.ego).name + ". " : "") +
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
      filters = {review: reviewFilter.value, harm: harmFilter.value, from: year(yearFrom), to: year(yearTo),
                 reviews: null};
      focusNote = "";
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
      var name = document.createElement("span");
      name.textContent = style.label;
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = String(counts[i]);
      label.append(box, swatch(SHAPES[style.shape] ? style.shape : "custom", style.colour), name, count);
      label.dataset.shape = style.shape;
      legend.appendChild(label);
    });

    // Colour by class (the legend) or by review (which review each entity comes from).
    var reviewLegend = document.getElementById("review-legend");
    var colourBy = document.getElementById("colour-by");
    function colour(mode) {
      var colourOf = mode === "review" ? reviewColour : classColour;
      nodes.update(data.nodes.map(function (n) { var look = looks(n, colourOf); return {id: n[0], color: look.color}; }));
      reviewLegend.hidden = mode !== "review";
      Array.prototype.forEach.call(legend.querySelectorAll("svg.swatch"), function (svg, i) {
        svg.querySelector("*").setAttribute("fill", mode === "review" ? "#bbbbbb" : data.classes[Number(classBoxes[i].dataset.cls)].colour);
      });
    }
    function reviewEntry(text, colourText, border) {
      var label = document.createElement("label");
      var name = document.createElement("span");
      name.textContent = text;
      label.append(swatch("dot", colourText, border), name);
      reviewLegend.appendChild(label);
    }
    data.reviews.slice(0, REVIEW_COLOURS.length).forEach(function (review, i) { reviewEntry(review, REVIEW_COLOURS[i]); });
    if (data.reviews.length > REVIEW_COLOURS.length) {
      var more = document.createElement("p");
      more.className = "hint";
      more.textContent = "Colours repeat every " + REVIEW_COLOURS.length + " reviews (" + data.reviews.length +
        " here); hover a node to see its reviews.";
      reviewLegend.appendChild(more);
    }
    reviewEntry("in several reviews", SEVERAL, "#111");
    colourBy.addEventListener("change", function () { colour(colourBy.value); });

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
        return n.name.toLowerCase().indexOf(text) >= 0 || n.title.toLowerCase().indexOf(text) >= 0;
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

    // What the overview opens: the entities of some reviews, with some of them selected.
    function focus(reviews, selected, note) {
      reviewFilter.value = reviews.length === 1 ? String(reviews[0]) : "";
      harmFilter.value = "";
      yearFrom.value = "";
      yearTo.value = "";
      filters = {review: reviewFilter.value, harm: "", from: null, to: null,
                 reviews: reviews.length > 1 ? new Set(reviews) : null};
      focusNote = note ? note + " " : "";
      apply();
      network.unselectAll();
      var shown = (selected || []).filter(function (id) { return visible.has(id); });
      if (shown.length) network.selectNodes(shown);
      network.fit({animation: false});
    }

    network.once("afterDrawing", function () { ready = true; });
    return {
      network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, find: find,
      labels: labels.placed, focus: focus, colour: colour, data: data
    };
  }

  function rendered(network) {
    return {nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length};
  }

  var modes = {overview: document.getElementById("mode-overview"), entities: document.getElementById("mode-entities")};
  function showMode(mode) {
    var entities = mode === "entities";
    document.getElementById("network").hidden = !entities;
    document.getElementById("controls").hidden = !entities;
    document.getElementById("overview-network").hidden = entities;
    document.getElementById("overview-controls").hidden = entities;
    modes.overview.setAttribute("aria-pressed", String(!entities));
    modes.entities.setAttribute("aria-pressed", String(entities));
  }

  var api = window.casegraph = {
    isReady: function () { return ready; },
    rendered: function () { return rendered(current.network); },
    labels: function () { return current.labels(); },
    // Show the entity network (built the first time), focussed on some reviews when given.
    showEntities: function (reviews, selected, note) {
      showMode("entities");
      if (!entityApi) {
        ready = false;
        adopt(entityNetwork(reviews));
      }
      current = entityApi;
      api.labels = entityApi.labels;
      if (reviews) entityApi.focus(reviews, selected, note);
      else entityApi.focus([], [], "");
      return entityApi;
    },
    showMode: showMode,
    setCurrent: function (shown) { current = shown; },
    markReady: function () { ready = true; },
    swatch: swatch
  };
  // The entity network's handles (network, nodes, find, ...) become the page's, for scripts and tests.
  function adopt(entities) {
    entityApi = entities;
    Object.keys(entities).forEach(function (key) { if (!(key in api)) api[key] = entities[key]; });
  }
  if (document.getElementById("casegraph-overview").textContent.trim() === "null") {
    adopt(entityNetwork());
    current = entityApi;
    api.labels = entityApi.labels;
  }
})();
