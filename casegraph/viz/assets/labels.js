// casegraph node labels: drawn over the network at one legible size whatever the zoom, and placed
// so that no two overlap. vis-network draws a label at its font size times the zoom, so a fitted
// corpus shows 3 px labels piled on each other; here every label is drawn in screen pixels after
// each frame, in order of importance: the hovered and selected nodes, then the nodes that matter
// (the ego, entities in several reviews, the most connected: `must`), wherever there is room
// around them (a leader line joins a label set further off), then every other node once it is
// zoomed into room of its own. A label that would overlap one already placed is not drawn.
(function () {
  "use strict";
  var FONT = "system-ui, sans-serif";
  var SIZE = 12, MUST_SIZE = 13, EGO_SIZE = 15;  // screen pixels: nothing under 11
  var GAP = 3, CELL = 64;
  var MAX_LABELS = 250, MAX_TRIES = 1500;  // per frame: a zoomed-out corpus stays smooth
  var OBSTACLE_LIMIT = 2000;  // labels avoid covering nodes while this few are on screen
  var OTHER_RADIUS = 5;  // an unimportant node is labelled once its disc is this wide on screen

  function Grid() { this.cells = new Map(); }
  Grid.prototype.each = function (box, visit) {
    for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
      for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) {
        if (visit(gx + "," + gy) === false) return false;
      }
    }
    return true;
  };
  Grid.prototype.add = function (box) {
    var cells = this.cells;
    this.each(box, function (key) {
      var list = cells.get(key);
      if (!list) cells.set(key, list = []);
      list.push(box);
    });
  };
  Grid.prototype.hits = function (box, except) {
    var cells = this.cells;
    return !this.each(box, function (key) {
      var list = cells.get(key) || [];
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (o.id !== except && box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h) {
          return false;
        }
      }
      return true;
    });
  };

  // Where a label w x h may go around a disc at (x, y) of radius r: beside it first, then rings
  // further out (only for labels that must be shown).
  function spots(x, y, r, w, h, rings) {
    var out = [
      [x - w / 2, y + r + GAP], [x - w / 2, y - r - GAP - h], [x + r + GAP, y - h / 2], [x - r - GAP - w, y - h / 2],
      [x + r * 0.7 + GAP, y + r * 0.7], [x - r * 0.7 - GAP - w, y + r * 0.7],
      [x + r * 0.7 + GAP, y - r * 0.7 - h], [x - r * 0.7 - GAP - w, y - r * 0.7 - h]
    ];
    for (var ring = 1; ring <= rings; ring++) {
      var distance = r + GAP + ring * (h + 6);
      for (var k = 0; k < 12; k++) {
        var angle = (k / 12) * 2 * Math.PI + (ring % 2) * Math.PI / 12;
        var cx = x + Math.cos(angle) * (distance + w / 2 * Math.abs(Math.cos(angle)));
        var cy = y + Math.sin(angle) * (distance + h / 2);
        out.push([cx - w / 2, cy - h / 2, true]);
      }
    }
    return out;
  }

  window.casegraphLabels = function (network, options) {
    // options: text(id) -> label or "", order: ids most important first, must: Set of ids, ego: id or null,
    // obstacles(ctx) (optional): screen boxes {x, y, w, h} no label may cover (captions drawn by the caller)
    var placed = [];
    var hovered = null;
    var mustOrder = options.order.filter(function (id) { return options.must.has(id); });
    var widths = new Map();
    network.on("hoverNode", function (params) { hovered = params.node; network.redraw(); });
    network.on("blurNode", function () { hovered = null; network.redraw(); });

    function width(ctx, text, size, bold) {
      var key = size + (bold ? "b" : "") + text;
      var w = widths.get(key);
      if (w === undefined) {
        ctx.font = (bold ? "bold " : "") + size + "px " + FONT;
        w = ctx.measureText(text).width;
        widths.set(key, w);
      }
      return w;
    }

    network.on("afterDrawing", function (ctx) {
      var body = network.body, view = body.view, scale = view.scale;
      var tx = view.translation.x, ty = view.translation.y;
      var frame = network.canvas.frame.canvas;
      var W = frame.clientWidth, H = frame.clientHeight;
      var ratio = network.canvas.pixelRatio || 1;
      var screen = function (node) {
        return {x: node.x * scale + tx, y: node.y * scale + ty, r: Math.max((node.options.size || 10) * scale, 2)};
      };
      var inside = function (p) { return p.x >= -p.r && p.y >= -p.r && p.x <= W + p.r && p.y <= H + p.r; };
      var labels = new Grid(), discs = new Grid();
      var ids = body.nodeIndices, onScreen = 0, i;
      for (i = 0; i < ids.length && onScreen <= OBSTACLE_LIMIT; i++) if (inside(screen(body.nodes[ids[i]]))) onScreen++;
      if (onScreen <= OBSTACLE_LIMIT) {
        for (i = 0; i < ids.length; i++) {
          var p = screen(body.nodes[ids[i]]);
          if (inside(p)) discs.add({id: ids[i], x: p.x - p.r, y: p.y - p.r, w: 2 * p.r, h: 2 * p.r});
        }
      }
      if (options.obstacles) options.obstacles(ctx).forEach(function (box) { labels.add(box); });
      var chosen = [];
      var seen = new Set();
      function consider(id) {
        if (id === null || id === undefined || seen.has(id) || !body.nodes[id]) return;
        seen.add(id);
        chosen.push(id);
      }
      consider(hovered);
      network.getSelectedNodes().forEach(consider);
      mustOrder.forEach(consider);
      var result = [], tries = 0;
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      function place(id, forced) {
        var node = body.nodes[id], p = screen(node);
        if (!inside(p)) return;
        var text = options.text(id);
        if (!text) return;
        var ego = id === options.ego, bold = ego || options.must.has(id);
        var size = ego ? EGO_SIZE : options.must.has(id) ? MUST_SIZE : SIZE;
        var w = width(ctx, text, size, bold) + 2, h = size + 3;
        var candidates = spots(p.x, p.y, p.r, w, h, forced ? 8 : 0);
        for (var pass = 0; pass < (forced ? 2 : 1); pass++) {
          for (var k = 0; k < candidates.length; k++) {
            tries++;
            var box = {id: id, x: candidates[k][0], y: candidates[k][1], w: w, h: h};
            if (box.x < 0 || box.y < 0 || box.x + w > W || box.y + h > H) continue;
            if (labels.hits(box, null) || (pass === 0 && discs.hits(box, id))) continue;
            labels.add(box);
            ctx.font = (bold ? "bold " : "") + size + "px " + FONT;
            if (candidates[k][2]) {  // set off from its node: a line says whose it is
              ctx.strokeStyle = "rgba(60,60,60,0.7)";
              ctx.lineWidth = 1;
              ctx.beginPath();
              ctx.moveTo(p.x, p.y);
              ctx.lineTo(Math.max(box.x, Math.min(p.x, box.x + w)), Math.max(box.y, Math.min(p.y, box.y + h)));
              ctx.stroke();
            }
            ctx.lineWidth = 3;
            ctx.strokeStyle = "rgba(255,255,255,0.92)";
            ctx.strokeText(text, box.x + 1, box.y + 1.5);
            ctx.fillStyle = "#1a1a1a";
            ctx.fillText(text, box.x + 1, box.y + 1.5);
            result.push({id: id, text: text, size: size, must: options.must.has(id), x: box.x, y: box.y, w: w, h: h});
            return;
          }
        }
      }
      chosen.forEach(function (id) { place(id, true); });
      for (i = 0; i < options.order.length && result.length < MAX_LABELS && tries < MAX_TRIES; i++) {
        var id = options.order[i];
        if (seen.has(id) || !body.nodes[id]) continue;
        if ((body.nodes[id].options.size || 10) * scale < OTHER_RADIUS) continue;
        seen.add(id);
        place(id, false);
      }
      ctx.restore();
      placed = result;
    });
    return {placed: function () { return placed.slice(); }};
  };
})();
