"use strict";
// The query page of casegraph serve. Every value from the server is shown with textContent, never as markup.
(() => {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const byId = (id) => document.getElementById(id);
  const editor = byId("query"), runButton = byId("run"), statusLine = byId("status"), results = byId("results");
  const errorBox = byId("error"), questionBox = byId("question"), paramsBox = byId("params");
  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  const MAX_ROWS = 2000;  // drawn at most; the status line gives the full count
  const HOPS = /\{\{\s*hops\s*:\s*(.+?)\s*\}\}/g;
  const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
  const NOT_IN_IRI = /[\u0000-\u0020<>"{}|^`\\]/;
  const compactions = Object.entries(data.prefixes).sort((a, b) => b[1].length - a[1].length);
  let current = null;  // the saved question loaded, whose parameters apply
  let running = null;  // the AbortController of the query in flight
  let done = 0;  // queries answered (for tests)

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = String(text);
    if (className) made.className = className;
    return made;
  }

  // -- the saved questions -------------------------------------------------------------------
  const buttons = new Map();
  for (const question of data.questions) {
    const button = element("button");
    button.type = "button";
    button.dataset.name = question.name;
    button.title = question.description;
    button.append(element("span", question.name, "name"), element("span", question.description, "description"));
    button.addEventListener("click", () => load(question));
    const item = element("li");
    item.append(button);
    byId("questions").append(item);
    buttons.set(question.name, button);
  }
  byId("prefixes").textContent = "predeclared: " + Object.keys(data.prefixes).map((p) => p + ":").join(" ");

  function load(question) {
    current = question;
    editor.value = question.text;
    byId("question-title").textContent = question.name;
    byId("question-description").textContent = question.description;
    paramsBox.replaceChildren(...question.params.map(paramInput));
    questionBox.hidden = false;
    for (const [name, button] of buttons) button.setAttribute("aria-current", String(name === question.name));
    history.replaceState(null, "", "#" + encodeURIComponent(question.name));
    clearAnswer();
    (paramsBox.querySelector("input") || editor).focus();
  }

  function paramInput(param) {
    const label = element("label");
    label.append(element("span", param.name + (param.required ? " (required)" : ""), "param-name"));
    const input = element("input");
    input.name = param.name;
    input.autocomplete = "off";
    input.spellcheck = false;
    if (param.type === "integer" || param.type === "hops") {
      input.type = "number";
      if (param.min !== null) input.min = param.min;
      if (param.max !== null) input.max = param.max;
    }
    input.value = param.default === null ? "" : param.default;
    input.placeholder = param.type === "iri" ? "review-id/item-id or IRI" : param.type;
    input.title = param.help;
    input.addEventListener("keydown", runOnCtrlEnter);
    label.append(input, element("span", param.help));
    return label;
  }

  // -- a saved question's parameters, bound by a VALUES clause ---------------------------------
  function prepared() {
    let text = editor.value;
    if (!current || !current.params.length) return text;
    const names = [], terms = [];
    for (const param of current.params) {
      const value = paramsBox.querySelector(`input[name="${param.name}"]`).value.trim();
      if (!value) {
        if (param.required) throw new Error(`${param.name} needs a value: ${param.help || param.type}`);
        continue;
      }
      if (param.type === "hops") {
        const hops = integer(param, value);
        text = text.replace(HOPS, (match, path) =>
          [`(${path})`].concat(Array(hops - 1).fill(`(${path})?`)).join("/"));
      } else {
        names.push("?" + param.name);
        terms.push(term(param, value));
      }
    }
    return names.length ? `${text}\nVALUES (${names.join(" ")}) { (${terms.join(" ")}) }\n` : text;
  }

  function integer(param, value) {
    if (!/^[+-]?\d+$/.test(value)) throw new Error(`${param.name}: ${value} is not a whole number`);
    const number = Number(value);
    if ((param.min !== null && number < param.min) || (param.max !== null && number > param.max)) {
      throw new Error(`${param.name}: must be between ${param.min} and ${param.max}`);
    }
    return number;
  }

  function term(param, value) {
    if (param.type === "integer") return String(integer(param, value));
    if (param.type === "string") return '"' + value.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n").replace(/\r/g, "\\r") + '"';
    let iri = value.replace(/^<(.*)>$/, "$1");
    if (param.type === "review" || !SCHEME.test(iri)) iri = data.review + iri.replace(/^\/+|\/+$/g, "");
    if (NOT_IN_IRI.test(iri)) throw new Error(`${param.name}: ${value} cannot be part of an IRI`);
    return `<${iri}>`;
  }

  // -- running ---------------------------------------------------------------------------------
  async function run() {
    let text;
    try {
      text = prepared();
    } catch (error) {
      showError("Cannot run this question", error.message);
      done += 1;
      return;
    }
    if (running) running.abort();
    const controller = new AbortController();
    running = controller;
    runButton.disabled = true;
    statusLine.textContent = "Running…";
    const started = performance.now();
    try {
      const response = await fetch(data.endpoint, {
        method: "POST", body: new URLSearchParams({ query: text }), signal: controller.signal,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT },
        cache: "no-store", credentials: "same-origin", referrerPolicy: "no-referrer",
      });
      const body = await response.text();
      const took = `${Math.round(performance.now() - started)} ms`;
      if (!response.ok) {
        showError(`${response.status} ${response.statusText}`, body.trim());
        statusLine.textContent = "";
      } else if ((response.headers.get("Content-Type") || "").startsWith("application/sparql-results+json")) {
        statusLine.textContent = `${render(JSON.parse(body))} · ${took}`;
      } else {
        statusLine.textContent = `${showGraph(body)} · ${took}`;
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        showError("No answer from the server", error.message);
        statusLine.textContent = "";
      }
    } finally {
      if (running === controller) {
        running = null;
        runButton.disabled = false;
        done += 1;
      }
    }
  }

  function clearAnswer() {
    errorBox.hidden = true;
    results.replaceChildren();
    statusLine.textContent = "";
  }

  function showError(title, text) {
    results.replaceChildren();
    byId("error-title").textContent = title;
    byId("error-text").textContent = text;
    errorBox.hidden = false;
  }

  function render(answer) {
    errorBox.hidden = true;
    if (typeof answer.boolean === "boolean") {
      results.replaceChildren(element("div", String(answer.boolean), `boolean ${answer.boolean}`));
      return "ASK answered";
    }
    const columns = answer.head.vars || [];
    const rows = answer.results.bindings;
    const table = element("table"), head = element("tr"), tbody = element("tbody");
    head.append(element("th", "#", "row-number"), ...columns.map((name) => element("th", "?" + name)));
    table.append(element("thead"), tbody);
    table.tHead.append(head);
    rows.slice(0, MAX_ROWS).forEach((row, index) => {
      const line = element("tr");
      line.append(element("td", index + 1, "row-number"));
      for (const name of columns) line.append(cell(row[name]));
      tbody.append(line);
    });
    const wrap = element("div", null, "table-wrap");
    wrap.append(table);
    results.replaceChildren(wrap);
    if (rows.length > MAX_ROWS) results.append(element("p", `Showing the first ${MAX_ROWS} rows.`, "note"));
    return `${rows.length} row${rows.length === 1 ? "" : "s"}`;
  }

  function cell(value) {
    const td = element("td");
    if (!value) {
      td.className = "unbound";
      td.textContent = "–";
      return td;
    }
    td.append(...show(value));
    return td;
  }

  function show(value) {
    if (value.type === "uri") {
      const span = element("span", compact(value.value), "iri");
      span.title = value.value;
      return [span];
    }
    if (value.type === "bnode") return [element("span", "_:" + value.value, "iri")];
    if (value.type === "triple") {
      const parts = ["subject", "predicate", "object"].flatMap((part) => [...show(value.value[part]), " "]);
      return ["<< ", ...parts, ">>"];
    }
    const shown = [element("span", value.value)];
    if (value["xml:lang"]) shown.push(element("span", "@" + value["xml:lang"], "meta"));
    else if (value.datatype) shown[0].title = compact(value.datatype);
    return shown;
  }

  function compact(iri) {
    for (const [prefix, base] of compactions) {
      if (iri.startsWith(base) && iri.length > base.length) return `${prefix}:${iri.slice(base.length)}`;
    }
    return `<${iri}>`;
  }

  function showGraph(text) {
    errorBox.hidden = true;
    results.replaceChildren(element("pre", text || "# no triples", "graph"));
    const lines = text.split("\n").filter((line) => line.trim() && !line.startsWith("@prefix")).length;
    return `${lines} line${lines === 1 ? "" : "s"} of Turtle`;
  }

  // -- wiring ------------------------------------------------------------------------------------
  function runOnCtrlEnter(event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      run();
    }
  }

  runButton.addEventListener("click", run);
  editor.addEventListener("keydown", runOnCtrlEnter);
  const named = data.questions.find((q) => "#" + encodeURIComponent(q.name) === location.hash);
  if (named) load(named);
  else editor.value = data.first;
  window.casegraphQueryPage = { answered: () => done };
})();
