/* The service browser's try-it forms (framework/src/browser.c inlines this in every service
 * page; docs/browser.md).  It reads the service's model from the JSON element #ladon-model,
 * builds a form per operation from its parameter types, sends the real SOAP request to this
 * page's own address, and shows the result and both raw messages; for a task, "Start and watch"
 * follows it with a progress bar (m_wait, or m_progress where the server has no m_wait), a
 * cancel button, and its result.  Text is only ever set with textContent: nothing a user types
 * or a server answers becomes markup. */
(function () {
  "use strict";
  var SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
  var model = JSON.parse(document.getElementById("ladon-model").textContent);
  var ops = {};
  model.operations.forEach(function (o) { ops[o.name] = o; });
  var endpoint = window.location.pathname;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function xmlEscape(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/\r/g, "&#13;");
  }

  /* --- the form: one builder per member, each returning a node and a collector ----------- */

  function scalarInput(m, path) {
    var input;
    if (m.kind === "boolean") {
      input = el("select", { name: path });
      ["false", "true"].forEach(function (v) { input.appendChild(el("option", { value: v }, v)); });
    } else if (m.kind === "enum") {
      input = el("select", { name: path });
      model.types[m.type].values.forEach(function (v) { input.appendChild(el("option", { value: v }, v)); });
    } else if (m.kind === "string") {
      input = el("textarea", { name: path, rows: "1" });
    } else {
      var hint = { int: "0", long: "0", double: "0.0", dateTime: "2026-01-01T00:00:00Z",
                   base64: "base64, e.g. aGVsbG8=" }[m.kind] || "";
      input = el("input", { type: "text", name: path, placeholder: hint });
      if (m.kind === "int" || m.kind === "long" || m.kind === "double") input.setAttribute("inputmode", "decimal");
    }
    return input;
  }

  /* A member: {node, collect()} where collect() returns the XML of its elements ("" when
   * absent) or throws an Error naming what is wrong. */
  function memberField(m, path, depth) {
    if (depth > 16) throw new Error("types nested too deeply at " + path);
    if (m.occurs === "many") return arrayField(m, path, depth);
    var wrap, inner, include = null;
    if (m.occurs === "optional") {
      include = el("input", { type: "checkbox", name: path + "?", title: "send " + m.name });
    }
    if (m.kind === "struct") {
      wrap = el("fieldset", { "data-path": path });
      var legend = el("legend");
      if (include) legend.appendChild(include);
      legend.appendChild(document.createTextNode(" " + m.name + " (" + m.xml + ")"));
      wrap.appendChild(legend);
      var body = el("div");
      wrap.appendChild(body);
      if (include) {
        /* built when first asked for (hand-made tables may nest deeply) */
        include.addEventListener("change", function () {
          if (include.checked && !inner) { inner = structFields(m.type, path, depth + 1); body.appendChild(inner.node); }
          body.hidden = !include.checked;
        });
        body.hidden = true;
      } else {
        inner = structFields(m.type, path, depth + 1);
        body.appendChild(inner.node);
      }
      return { node: wrap, collect: function () {
        if (include && !include.checked) return "";
        return "<" + m.name + ">" + inner.collect() + "</" + m.name + ">";
      } };
    }
    wrap = el("label");
    var input = scalarInput(m, path);
    if (include) {
      wrap.appendChild(include);
      input.addEventListener("input", function () { include.checked = true; });
    }
    wrap.appendChild(el("span", { class: "name" }, m.name));
    wrap.appendChild(input);
    wrap.appendChild(el("span", { class: "type" }, m.xml + (m.occurs === "optional" ? " (optional)" : "")));
    return { node: wrap, collect: function () {
      if (include && !include.checked) return "";
      return "<" + m.name + ">" + xmlEscape(checkValue(m, input.value, path)) + "</" + m.name + ">";
    } };
  }

  function checkValue(m, v, path) {
    var bad = function () { throw new Error(path + ": not a valid " + m.xml + ": " + JSON.stringify(v)); };
    /* characters XML 1.0 cannot carry: the request would not be well-formed */
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(v)) bad();
    if (m.kind === "int" || m.kind === "long") { v = v.trim(); if (!/^[-+]?[0-9]+$/.test(v)) bad(); }
    if (m.kind === "double") { v = v.trim(); if (!/^([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|-?INF|NaN)$/.test(v)) bad(); }
    if (m.kind === "base64") { v = v.replace(/\s+/g, ""); if (!/^[A-Za-z0-9+\/]*={0,2}$/.test(v)) bad(); }
    if (m.kind === "dateTime") { v = v.trim(); if (!/^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?$/.test(v)) bad(); }
    return v;
  }

  function arrayField(m, path, depth) {
    var box = el("fieldset", { class: "array", "data-path": path });
    box.appendChild(el("legend", null, m.name + " (" + m.xml + ", array)"));
    var list = el("div");
    box.appendChild(list);
    var items = [], made = 0;
    var add = el("button", { type: "button", class: "add", "data-path": path }, "Add item");
    add.addEventListener("click", function () {
      var one = { name: m.name, xml: m.xml, kind: m.kind, occurs: "one", type: m.type };
      var i = made++; /* never reused: after a Remove, names stay unique */
      var row = el("div", { class: "item" });
      var f = memberField(one, path + "." + i, depth + 1);
      var entry = { row: row, f: f };
      var rm = el("button", { type: "button", class: "remove" }, "Remove");
      rm.addEventListener("click", function () { items.splice(items.indexOf(entry), 1); row.remove(); });
      row.appendChild(f.node);
      row.appendChild(rm);
      list.appendChild(row);
      items.push(entry);
    });
    box.appendChild(add);
    return { node: box, collect: function () {
      return items.map(function (e) { return e.f.collect(); }).join("");
    } };
  }

  function structFields(typeName, path, depth) {
    var t = model.types[typeName];
    var node = el("div");
    var fields = t.fields.map(function (f) {
      var x = memberField(f, path + "." + f.name, depth);
      node.appendChild(x.node);
      return x;
    });
    return { node: node, collect: function () { return fields.map(function (x) { return x.collect(); }).join(""); } };
  }

  function paramsForm(op, form) {
    var fields = op.params.map(function (p) {
      var x = memberField(p, p.name, 0);
      form.appendChild(x.node);
      return x;
    });
    return function () { return fields.map(function (x) { return x.collect(); }).join(""); };
  }

  /* --- calling -------------------------------------------------------------------------- */

  function envelope(opName, inner) {
    return '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="' + SOAP_ENV + '" xmlns:' + model.prefix + '="' +
      xmlEscape(model.namespace) + '"><SOAP-ENV:Body><' + model.prefix + ":" + opName + ">" + inner +
      "</" + model.prefix + ":" + opName + "></SOAP-ENV:Body></SOAP-ENV:Envelope>\n";
  }

  /* Sends op with the children XML inner; resolves to {request, response, http, fault, result}
   * where result is the response's one child element and fault {code, string}. */
  function call(opName, inner) {
    var request = envelope(opName, inner);
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""' },
      body: request
    }).then(function (r) {
      return r.text().then(function (text) {
        var out = { request: request, response: text, http: r.status, fault: null, result: null };
        var doc = new DOMParser().parseFromString(text, "text/xml");
        if (doc.getElementsByTagName("parsererror").length) {
          out.fault = { code: "HTTP " + r.status, string: "the answer is not XML" };
          return out;
        }
        var body = doc.getElementsByTagNameNS(SOAP_ENV, "Body")[0];
        var first = body && firstElement(body);
        if (!first) {
          out.fault = { code: "HTTP " + r.status, string: "no SOAP body in the answer" };
        } else if (first.localName === "Fault" && first.namespaceURI === SOAP_ENV) {
          out.fault = { code: childText(first, "faultcode"), string: childText(first, "faultstring") };
        } else {
          out.result = firstElement(first);
        }
        return out;
      });
    });
  }

  function firstElement(n) {
    for (var c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) return c;
    return null;
  }

  function childText(n, name) {
    for (var c = n.firstChild; c; c = c.nextSibling)
      if (c.nodeType === 1 && c.localName === name) return c.textContent;
    return "";
  }

  /* "name: value" lines, children indented under "name:" */
  function tree(n, indent) {
    var kids = [];
    for (var c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) kids.push(c);
    if (!kids.length) return indent + n.localName + ": " + n.textContent + "\n";
    return indent + n.localName + ":\n" + kids.map(function (k) { return tree(k, indent + "  "); }).join("");
  }

  function fields(n) {
    var o = {};
    for (var c = n ? n.firstChild : null; c; c = c.nextSibling) if (c.nodeType === 1) o[c.localName] = c.textContent;
    return o;
  }

  function showOutcome(box, out) {
    box.textContent = "";
    var status = el("div", { class: "status " + (out.fault ? "fault" : "ok") },
                    out.fault ? "Fault " + out.fault.code + ": " + out.fault.string : "OK (HTTP " + out.http + ")");
    box.appendChild(status);
    if (out.result) box.appendChild(el("pre", { class: "result" }, tree(out.result, "")));
    raw(box, "Request", out.request, "request");
    raw(box, "Response", out.response, "response");
  }

  function raw(box, title, text, cls) {
    var d = el("details", { class: "raw" });
    d.appendChild(el("summary", null, title + " XML"));
    d.appendChild(el("pre", { class: cls }, text));
    box.appendChild(d);
  }

  function showError(box, e) {
    box.textContent = "";
    box.appendChild(el("div", { class: "status fault" }, String(e && e.message ? e.message : e)));
  }

  /* --- a task: start, watch, cancel ----------------------------------------------------- */

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function watch(op, box, inner) {
    var m = op.name, waitOp = ops[m + "_wait"], progressOp = ops[m + "_progress"];
    box.textContent = "";
    var w = el("div", { class: "watch" });
    var bar = el("div", { class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100" });
    var fill = el("div", { class: "fill" }), pct = el("div", { class: "pct" }, "0%");
    bar.appendChild(fill);
    bar.appendChild(pct);
    var line = el("div"), state = el("span", { class: "state" }, "starting"), msg = el("span", { class: "message" });
    var idEl = el("span", { class: "task-id" }), timeEl = el("span", { class: "elapsed" });
    line.appendChild(document.createTextNode("Task "));
    line.appendChild(idEl);
    line.appendChild(document.createTextNode(": "));
    line.appendChild(state);
    line.appendChild(document.createTextNode(" "));
    line.appendChild(msg);
    line.appendChild(document.createTextNode(" "));
    line.appendChild(timeEl);
    var cancel = el("button", { type: "button", class: "cancel" }, "Cancel");
    cancel.disabled = true;
    var result = el("div", { class: "outcome" }), cancelled = el("div", { class: "cancel-outcome" });
    w.appendChild(bar);
    w.appendChild(line);
    w.appendChild(cancel);
    w.appendChild(cancelled);
    w.appendChild(result);
    box.appendChild(w);

    var taskId = null, ended = false;
    function show(p) {
      var f = Math.max(0, Math.min(1, parseFloat(p.progress) || 0));
      var percent = Math.floor(f * 100);
      fill.style.width = percent + "%";
      pct.textContent = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
      state.textContent = p.state;
      state.className = "state " + p.state;
      msg.textContent = p.message ? "- " + p.message : "";
      var d = parseFloat(p.duration) || 0;
      timeEl.textContent = "(" + d.toFixed(1) + " s)";
      ended = p.state === "done" || p.state === "failed" || p.state === "cancelled";
    }
    cancel.addEventListener("click", function () {
      if (taskId === null || !ops[m + "_cancel"]) return;
      cancel.disabled = true;
      call(m + "_cancel", "<task_id>" + taskId + "</task_id>").then(function (out) {
        if (ended) return; /* the task's own end came first */
        if (out.fault || !out.result) showOutcome(cancelled, out); else show(fields(out.result));
      }, function (e) { showError(cancelled, e); });
    });

    return call(m, inner).then(function (out) {
      if (out.fault) { showOutcome(result, out); state.textContent = "not started"; return; }
      taskId = fields(out.result).task_id;
      idEl.textContent = taskId;
      cancel.disabled = !ops[m + "_cancel"];
      var loop = function () {
        var next = waitOp
          ? call(waitOp.name, "<task_id>" + taskId + "</task_id><timeout>0.5</timeout>")
          : sleep(400).then(function () { return call(progressOp.name, "<task_id>" + taskId + "</task_id>"); });
        return next.then(function (o) {
          var p = fields(o.result);
          if (o.fault || !p.state) {
            /* a fault, or an answer without a TaskProgressResponse: stop following */
            cancel.disabled = true;
            showOutcome(result, o);
            if (!o.fault) result.appendChild(el("div", { class: "status fault" }, "the answer holds no task state"));
            return;
          }
          show(p);
          if (!ended) return loop();
          cancel.disabled = true;
          if (state.textContent === "done")
            return call(m + "_result", "<task_id>" + taskId + "</task_id>").then(function (r) { showOutcome(result, r); });
        });
      };
      return loop();
    }).catch(function (e) { cancel.disabled = true; showError(result, e); });
  }

  /* --- wiring ----------------------------------------------------------------------------- */

  Array.prototype.forEach.call(document.querySelectorAll(".try[data-op]"), function (box) {
    var op = ops[box.getAttribute("data-op")];
    if (!op) return;
    var isTask = box.hasAttribute("data-task");
    var form = el("form", { "data-op": op.name });
    var collect;
    try {
      collect = paramsForm(op, form);
    } catch (e) {
      showError(box, e);
      return;
    }
    var send = el("button", { type: "submit", class: "primary" }, isTask ? "Start and watch" : "Call " + op.name);
    form.appendChild(send);
    var outcome = el("div", { class: "outcome" });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var inner;
      try {
        inner = collect();
      } catch (e) {
        showError(outcome, e);
        return;
      }
      send.disabled = true;
      var done = function () { send.disabled = false; };
      var p = isTask ? watch(op, outcome, inner)
                     : call(op.name, inner).then(function (out) { showOutcome(outcome, out); },
                                                 function (e) { showError(outcome, e); });
      p.then(done, done);
    });
    box.appendChild(form);
    box.appendChild(outcome);
  });
})();
