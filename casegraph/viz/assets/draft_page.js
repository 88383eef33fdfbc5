// casegraph draft page: click a highlight (or a proposal in the list) to see its fields.
// The text and its highlights are plain HTML; this only adds interactivity. Every value from the
// data is set as text (textContent), never parsed as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("draft-data").textContent);
  var details = document.getElementById("details");
  var text = document.getElementById("text");
  var shown = [];

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function marksOf(n) {
    return Array.prototype.filter.call(text.querySelectorAll("mark.m"), function (m) {
      return m.getAttribute("data-p").split(" ").indexOf(String(n)) >= 0;
    });
  }
  function card(p) {
    var box = el("div", "card");
    box.style.borderLeftColor = data.sections[p.section].colour;
    box.setAttribute("data-n", String(p.n));
    var head = el("h2", null, p.label + " ");
    head.appendChild(el("span", "state st-" + p.status, p.status));
    if (p.low) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", "flag", "low confidence")); }
    box.appendChild(head);
    var list = el("dl");
    p.fields.forEach(function (f) {
      if (f[1] === "") return;
      list.appendChild(el("dt", null, f[0]));
      var value = el("dd", null, f[1]);
      if (f[0] === "confidence" && p.confidence !== null) {
        var bar = el("span", p.low ? "bar low" : "bar"), fill = el("span");
        fill.style.width = Math.round(p.confidence * 100) + "%";
        bar.appendChild(fill);
        value.appendChild(bar);
      }
      list.appendChild(value);
    });
    box.appendChild(list);
    if (p.quote) box.appendChild(el("blockquote", null, p.quote));
    if (p.where) box.appendChild(el("p", "where", p.where));
    p.notes.forEach(function (note) { box.appendChild(el("p", "note", note)); });
    return box;
  }
  function show(ns) {
    shown = ns.map(Number);
    details.textContent = "";
    if (shown.length > 1) details.appendChild(el("p", "hint", shown.length + " proposals cover this text:"));
    shown.forEach(function (n) { details.appendChild(card(data.proposals[n])); });
    Array.prototype.forEach.call(document.querySelectorAll("mark.selected"), function (m) { m.classList.remove("selected"); });
    marksOf(shown[0]).forEach(function (m) { m.classList.add("selected"); });
    Array.prototype.forEach.call(document.querySelectorAll("#proposals .item"), function (item) {
      item.classList.toggle("current", shown.indexOf(Number(item.getAttribute("data-n"))) >= 0);
    });
  }
  text.addEventListener("click", function (event) {
    var mark = event.target.closest("mark.m");
    if (mark) show(mark.getAttribute("data-p").split(" "));
  });
  text.addEventListener("keydown", function (event) {
    var mark = event.target.closest("mark.m");
    if (mark && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); show(mark.getAttribute("data-p").split(" ")); }
  });
  document.getElementById("proposals").addEventListener("click", function (event) {
    var item = event.target.closest(".item");
    if (!item) return;
    event.preventDefault();
    var n = Number(item.getAttribute("data-n"));
    show([n]);
    var marks = marksOf(n);
    if (marks.length) {
      marks[0].scrollIntoView({block: "center"});
      marks.forEach(function (m) { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
    }
  });
  window.casegraph = {
    isReady: function () { return true; },
    shown: function () { return shown.map(function (n) { return data.proposals[n].id; }); },
    show: show
  };
})();
