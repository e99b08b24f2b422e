// sqsharness trace viewer: draws the model internal/traceview embeds as JSON (#trace-data).
// Plain script, no libraries, no network. Lanes and table rows are virtualised: only the rows
// in view are in the DOM, so a trace of tens of thousands of events stays responsive.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("trace-data").textContent);
  ["events", "lanes", "findings", "queues", "callLane"].forEach(function (k) { D[k] = D[k] || []; });
  var E = D.events, L = D.lanes;
  var LANE_H = 22, PAD = 14, MAX_W = 32000, MAX_CHARTS = 12;
  var SVGNS = "http://www.w3.org/2000/svg";
  var $ = function (id) { return document.getElementById(id); };

  // ---- helpers
  var SVGTAGS = { svg: 1, g: 1, rect: 1, path: 1, circle: 1, text: 1, title: 1, line: 1 };
  function el(tag, attrs, text) {
    var n = SVGTAGS[tag] ? document.createElementNS(SVGNS, tag) : document.createElement(tag);
    for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
    if (text != null) n.textContent = text;
    return n;
  }
  function short(id) { return id && id.length > 13 && id.split("-").length >= 5 ? id.slice(0, 8) : (id || ""); }
  function kindName(k) { return (k || "").replace(/^message\./, ""); }
  // The kinds the page draws in their own way; any other (a kind newer than this page) is listed
  // in the table and, when it names a message, drawn on its lane as a neutral marker.
  var KNOWN = {};
  ["sent", "deduplicated", "received", "visibility", "visible", "deleted", "expired", "deadlettered", "moved", "purged"].forEach(function (k) { KNOWN["message." + k] = "k-" + k; });
  KNOWN["fault"] = "k-fault";
  KNOWN["call.failed"] = "k-failed";
  function kindClass(k) { return KNOWN[k] || (/^queue\./.test(k || "") ? "k-queue" : "k-other"); }
  function fmtTime(ev) {
    if (!ev.time || ev.time.indexOf("0001-") === 0) return "";
    var t = ev.time.replace(/^.*T/, "").replace(/Z$/, "");
    return t.length > 12 ? t.slice(0, 12) : t;
  }
  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }

  // Findings mark the events that show them (the second receive of a duplicate, …).
  var hot = {};
  D.findings.forEach(function (f) { hot[f.event] = f; });

  // ---- header
  $("title").textContent = D.title;
  // #view-kind (the mock's full trace, or a client-side view) is written into the page by Go.
  var st = $("stats");
  function stat(label, n, cls) { var s = el("span", cls ? { "class": cls } : {}); s.appendChild(el("b", {}, String(n))); s.appendChild(document.createTextNode(" " + label)); st.appendChild(s); return s; }
  stat("events", E.length);
  stat("messages", D.counts.messages);
  stat("faults", D.counts.faults, D.counts.faults ? "bad" : "");
  stat("duplicate deliveries", D.counts.duplicates, D.counts.duplicates ? "bad" : "");
  stat("lost deletes", D.counts.lostDeletes, D.counts.lostDeletes ? "bad" : "");
  stat("visibility timeouts expired", D.counts.redelivered, D.counts.redelivered ? "bad" : "");
  stat("dead-lettered", D.counts.deadLettered, D.counts.deadLettered ? "bad" : "");
  if (D.counts.neverSent) stat("expected, never sent", D.counts.neverSent, "bad");
  if (D.counts.failures) stat("failed checks", D.counts.failures, "bad");
  if (D.dropped) stat("older events dropped (trace ring full)", D.dropped, "dropped");
  $("footer-note").textContent = D.client ? "client-side view" : "sqsmock trace";

  // ---- findings
  var fl = $("findings");
  if (!D.findings.length) fl.appendChild(el("li", { "class": "none" }, "No failed check, duplicate delivery, lost delete, expired visibility timeout, dead-letter move, message never sent or body sent twice in this trace."));
  var TAGS = { failure: "FAILED", duplicate: "DUPLICATE", "lost-delete": "LOST DELETE", redelivered: "VISIBILITY EXPIRED", "dead-lettered": "DEAD-LETTERED", "never-sent": "NEVER SENT" };
  D.findings.forEach(function (f) {
    var li = el("li", { "class": "finding " + f.kind + (f.lane < 0 ? " static" : ""), "data-lane": f.lane, "data-event": f.event });
    li.appendChild(el("span", { "class": "tag " + f.kind }, TAGS[f.kind] || f.kind.toUpperCase()));
    li.appendChild(document.createTextNode(f.text));
    if (f.lane >= 0) li.addEventListener("click", function () { selectLane(f.lane, f.event, true); });
    fl.appendChild(li);
  });

  // ---- legend
  var lg = $("legend");
  [["seg-v", "visible (receivable)"], ["seg-f", "in flight (hidden)"], ["seg-d", "delayed"]].forEach(function (x) {
    var s = el("span"); var sv = el("svg", { width: 22, height: 10 }); sv.appendChild(el("rect", { "class": x[0], width: 22, height: 10, rx: 2 })); s.appendChild(sv); s.appendChild(document.createTextNode(" " + x[1])); lg.appendChild(s);
  });
  [["message.sent", "sent"], ["message.received", "received (n: receive count, red: a duplicate)"], ["message.visible", "visible again"], ["message.deleted", "deleted"],
    ["message.deadlettered", "dead-lettered / moved"], ["message.expired", "expired / purged"], ["fault", "fault (its rule named beside it where the lane has room)"]]
    .concat(L.some(function (l) { return l.marks.some(function (i) { return kindClass(E[i].kind) === "k-other"; }); }) ? [["", "other event (see the table)"]] : []).forEach(function (x) {
    var s = el("span"); var sv = el("svg", { width: 14, height: 14 }); var g = el("g", { "class": "mk " + kindClass(x[0]), transform: "translate(7,7)" }); glyph(g, x[0]); sv.appendChild(g); s.appendChild(sv); s.appendChild(document.createTextNode(" " + x[1])); lg.appendChild(s);
  });

  // ---- x scale (shared idea for lanes and charts)
  var maxT = 0;
  E.forEach(function (e) { if (e.t > maxT) maxT = e.t; });
  function xFn(axis, width) {
    var inner = Math.max(1, width - 2 * PAD);
    if (axis === "time" && maxT > 0) return function (i) { return PAD + (i < 0 ? maxT : E[i].t) / maxT * inner; };
    var n = Math.max(1, E.length - 1);
    return function (i) { return PAD + (i < 0 ? n : i) / n * inner; };
  }

  // ---- axis ticks: at "nice" steps of the mock's clock (time since the first event) or of the
  // event order (labelled by event number), at least MIN_TICK pixels apart.
  var MIN_TICK = 90;
  var TIME_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];
  function fmtSpan(ms) {
    if (ms === 0) return "0";
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000) + " s";
    var h = Math.floor(ms / 36e5), m = Math.floor(ms % 36e5 / 6e4), sec = Math.round(ms % 6e4 / 1000);
    return ((h ? h + " h " : "") + (m || (h && sec) ? m + " min" : "") + (sec ? " " + sec + " s" : "")).trim();
  }
  function ticks(axis, width) {
    var inner = Math.max(1, width - 2 * PAD), want = Math.max(1, Math.floor(inner / MIN_TICK)), out = [], step, v;
    if (axis === "time" && maxT > 0) {
      step = TIME_STEPS[TIME_STEPS.length - 1];
      for (var k = 0; k < TIME_STEPS.length; k++) if (maxT / TIME_STEPS[k] <= want) { step = TIME_STEPS[k]; break; }
      for (v = 0; v <= maxT + 1e-9; v += step) out.push({ x: PAD + v / maxT * inner, label: fmtSpan(v) });
      return out;
    }
    var n = Math.max(1, E.length - 1);
    step = 1;
    for (var p = 1; ; p *= 10) {
      if (n / p <= want) { step = p; break; }
      if (n / (2 * p) <= want) { step = 2 * p; break; }
      if (n / (5 * p) <= want) { step = 5 * p; break; }
    }
    for (v = 0; v < E.length; v += step) out.push({ x: PAD + v / n * inner, label: "#" + E[v].seq });
    return out;
  }
  function anchor(j, x, width) { return j === 0 ? "start" : x > width - 40 ? "end" : "middle"; }
  function clockStart() {
    if (!D.start || D.start.indexOf("0001-") === 0) return "";
    return D.start.replace("T", " ").replace(/Z$/, " UTC").replace(/(\.\d{3})\d+/, "$1");
  }
  function drawAxis() {
    var a = $("axis-svg"), axis = $("axis").value, H = 24;
    while (a.firstChild) a.removeChild(a.firstChild);
    a.setAttribute("width", width);
    a.setAttribute("height", H);
    ticks(axis, width).forEach(function (tk, j) {
      var g = el("g", { "class": "tick" + (j === 0 ? " first" : ""), transform: "translate(" + tk.x.toFixed(1) + ",0)" });
      g.appendChild(el("line", { y1: H - 6, y2: H }));
      g.appendChild(el("text", { y: H - 9, "text-anchor": anchor(j, tk.x, width) }, tk.label));
      a.appendChild(g);
    });
    var start = clockStart();
    var tod = start.replace(/^\S+ /, "");
    $("axis-title").textContent = axis === "time" && maxT > 0 ? (D.client ? "client's clock" : "mock clock") + ", 0 = " + (tod || "the first event") : "event number (x: event order)";
    $("axis-title").title = start ? "first event at " + start : "";
    $("axis-scroll").scrollLeft = scroller.scrollLeft;
  }

  // ---- glyphs
  function glyph(g, kind, n) {
    var shape;
    switch (kind) {
      case "message.sent": shape = el("circle", { "class": "g", r: 4.5 }); break;
      case "message.received": shape = el("path", { "class": "g", d: "M-6,-6 L6,-6 L0,6 Z" }); break;
      case "message.visible": shape = el("circle", { "class": "g", r: 3.5 }); break;
      case "message.visibility": shape = el("rect", { "class": "g", x: -1.5, y: -6, width: 3, height: 12 }); break;
      case "message.deleted": shape = el("rect", { "class": "g", x: -5, y: -5, width: 10, height: 10, rx: 2 }); break;
      case "fault": shape = el("path", { "class": "g", d: "M0,-8 L7,0 L0,8 L-7,0 Z" }); break;
      case "call.failed": shape = el("path", { "class": "g", d: "M-5,-5 L5,5 M5,-5 L-5,5", stroke: "#b54708", "stroke-width": 3 }); break;
      default: shape = el("rect", { "class": "g", x: -4.5, y: -4.5, width: 9, height: 9 });
    }
    g.appendChild(shape);
    if (n) g.appendChild(el("text", { "class": "recv-n", y: -1.5 }, String(n)));
  }
  function describe(e, i) {
    var s = "#" + e.seq + " " + e.kind + (e.messageId ? " " + e.messageId : "") + (e.queue ? " on " + e.queue : "");
    if (e.operation) s += "\n" + e.operation + (e.callId ? " (call " + e.callId + ")" : "");
    if (e.rule || e.fault) s += "\nfault: rule " + (e.rule || "?") + " (" + (e.fault || "") + ")";
    if (e.receiveCount) s += "\nreceive count " + e.receiveCount;
    if (e.visibleAt) s += "\nvisible at " + e.visibleAt;
    if (e.target) s += "\nto " + e.target;
    if (e.detail) s += "\n" + e.detail;
    if (e.time) s += "\n" + e.time;
    if (hot[i]) s += "\n⚠ " + hot[i].text;
    return s;
  }

  // ---- lanes
  var rows = []; // {lane: index or -1 for the calls row}
  var selLane = null, selEvent = -1;
  function buildRows() {
    var order = $("lane-order").value, only = $("only-problems").checked;
    var idx = [];
    for (var i = 0; i < L.length; i++) if (!only || L[i].problem) idx.push(i);
    if (order === "problems") idx.sort(function (a, b) { return (L[b].problem - L[a].problem) || (a - b); });
    rows = [];
    if (D.callLane.length) rows.push({ lane: -1 });
    idx.forEach(function (i) { rows.push({ lane: i }); });
    var nProblems = L.filter(function (l) { return l.problem; }).length;
    $("lane-count").textContent = plural(L.length, "message") + ", " + nProblems + " with a problem" + (only ? " (showing only those)" : "");
    $("lanes-note").textContent = "One lane per message; only the lanes in view are drawn, so scroll freely. " +
      (D.callLane.length ? "The first lane holds faults and failed calls that hit no single message. " : "") +
      "Click a lane or a marker for the message's history in the event table.";
    layout();
  }
  var scroller = $("lanes-scroll"), labels = $("lane-labels"), svg = $("lanes-svg"), spacer = $("lanes-spacer"), labelsInner = $("labels-inner");
  var width = 0, x = null;
  function layout() {
    var base = Math.max(300, scroller.clientWidth || 900);
    width = Math.min(MAX_W, Math.round(base * Number($("zoom").value)));
    x = xFn($("axis").value, width);
    var h = rows.length * LANE_H;
    var view = Math.min(Math.max(h, LANE_H * 3), 520);
    scroller.style.height = (view + 14) + "px";
    labels.style.height = (view + 14) + "px";
    spacer.style.height = h + "px";
    spacer.style.width = width + "px";
    labelsInner.style.height = h + "px";
    drawAxis();
    drawLanes();
  }
  function drawLanes() {
    var top = scroller.scrollTop, vh = scroller.clientHeight || 520;
    var first = Math.max(0, Math.floor(top / LANE_H) - 5), last = Math.min(rows.length, Math.ceil((top + vh) / LANE_H) + 5);
    labels.scrollTop = top;
    svg.setAttribute("width", width);
    svg.setAttribute("height", (last - first) * LANE_H);
    svg.style.top = first * LANE_H + "px";
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    while (labelsInner.firstChild) labelsInner.removeChild(labelsInner.firstChild);
    var gh = (last - first) * LANE_H;
    ticks($("axis").value, width).forEach(function (tk) { svg.appendChild(el("line", { "class": "grid", x1: tk.x, x2: tk.x, y1: 0, y2: gh })); });
    for (var r = first; r < last; r++) drawRow(r, (r - first) * LANE_H);
  }
  function drawRow(r, y) {
    var li = rows[r].lane, l = li >= 0 ? L[li] : null;
    var g = el("g", { "class": "lane" + (l ? "" : " calls-lane"), "data-lane": li, "data-id": l ? l.id : "", transform: "translate(0," + y + ")" });
    var sel = li >= 0 && li === selLane;
    g.appendChild(el("rect", { "class": "lane-bg" + (l && l.problem ? " problem" : "") + (sel ? " sel" : ""), x: 0, y: 0, width: width, height: LANE_H }));
    var lbl = el("div", { "class": "lbl" + (l && l.problem ? " problem" : "") + (sel ? " sel" : ""), "data-lane": li, style: "top:" + (r * LANE_H) + "px" });
    if (l) {
      lbl.title = l.id + " on " + l.queue + (l.body ? "\n" + l.body : "") + "\nends " + (l.end || "?");
      lbl.appendChild(el("span", { "class": "id" }, short(l.id)));
      if (l.receives > 1) lbl.appendChild(el("span", { "class": "badge recv" }, "received " + l.receives + "×"));
      (l.flags || []).forEach(function (f) { if (f !== "fault" && f !== "redelivered") lbl.appendChild(el("span", { "class": "badge " + f }, f)); });
      lbl.appendChild(el("span", { "class": "q" }, l.queue));
      lbl.addEventListener("click", function () { selectLane(li, -1, false); });
      l.segs.forEach(function (s) {
        var x0 = x(s[0]), x1 = s[1] < 0 ? width - PAD / 2 : x(s[1]);
        g.appendChild(el("rect", { "class": "seg seg-" + s[2], x: x0, y: 6, width: Math.max(1, x1 - x0), height: LANE_H - 12, rx: 2 }));
      });
      drawMarks(g, l.marks);
    } else {
      lbl.appendChild(el("span", {}, "calls (no single message)"));
      lbl.appendChild(el("span", { "class": "badge" }, String(D.callLane.length)));
      drawMarks(g, D.callLane);
    }
    svg.appendChild(g);
    labelsInner.appendChild(lbl);
  }
  // A fault's rule name goes beside its marker where the lane has room for it: to the right, up
  // to the next marker; else to the left, back to the previous marker or label; else cut short
  // (with the whole name as its tooltip) when a few characters fit; else not at all (the marker's
  // own tooltip names the rule). Labels never cover a marker or each other.
  var LABEL_FONT = "600 10px system-ui, sans-serif", MARK_HALF = 9, LABEL_GAP = 10, widths = {}, measurer;
  function textW(s) {
    if (widths[s] == null) {
      if (measurer === undefined) {
        measurer = document.createElement("canvas").getContext("2d");
        if (measurer) measurer.font = LABEL_FONT;
      }
      widths[s] = measurer ? measurer.measureText(s).width : s.length * 6;
    }
    return widths[s];
  }
  function fitLabel(s, room) {
    if (textW(s) <= room) return s;
    var n = Math.floor((room - textW("…")) / (textW(s) / s.length));
    return n >= 3 ? s.slice(0, n) + "…" : "";
  }
  function drawMarks(g, marks) {
    var nRecv = 0, xs = marks.map(function (i) { return x(i); }), labelEnd = -1e9, labelled = null;
    marks.forEach(function (i, j) {
      var e = E[i], cx = xs[j];
      var m = el("g", { "class": "mk " + kindClass(e.kind) + (hot[i] ? " hot" : "") + (i === selEvent ? " cur" : ""), "data-ev": i, "data-kind": e.kind, transform: "translate(" + cx.toFixed(1) + "," + LANE_H / 2 + ")" });
      if (e.rule) m.setAttribute("data-rule", e.rule);
      m.appendChild(el("title", {}, describe(e, i)));
      if (e.kind === "message.received") nRecv++;
      glyph(m, e.kind, e.kind === "message.received" ? (e.receiveCount || nRecv) : 0);
      m.addEventListener("click", function (ev) { ev.stopPropagation(); selectLane(e.lane >= 0 ? e.lane : null, i, true); });
      g.appendChild(m);
      if ((e.kind !== "fault" && e.kind !== "call.failed") || !e.rule) return;
      // Markers stacked at one x (one instant on the clock axis) share their rule's name.
      if (labelled && labelled.rule === e.rule && Math.abs(labelled.x - cx) < 2) return;
      var next = j + 1 < xs.length ? xs[j + 1] - MARK_HALF : width;
      var prev = Math.max(j > 0 ? xs[j - 1] + MARK_HALF : 0, labelEnd);
      var right = next - (cx + LABEL_GAP) - 2, left = (cx - LABEL_GAP) - prev - 2;
      var toLeft = textW(e.rule) > right && (textW(e.rule) <= left || left > right);
      var label = fitLabel(e.rule, toLeft ? left : right);
      if (!label) return;
      var t = el("text", { "class": "rule-label" + (label !== e.rule ? " cut" : ""), "data-rule": e.rule, x: toLeft ? cx - LABEL_GAP : cx + LABEL_GAP, y: LANE_H / 2 - 2, "text-anchor": toLeft ? "end" : "start" }, label);
      if (label !== e.rule) t.appendChild(el("title", {}, e.rule + " (" + (e.fault || "") + ")"));
      g.appendChild(t);
      labelEnd = toLeft ? cx - MARK_HALF : cx + LABEL_GAP + textW(label) + 3;
      labelled = { rule: e.rule, x: cx };
    });
  }
  var pending = false;
  scroller.addEventListener("scroll", function () {
    $("axis-scroll").scrollLeft = scroller.scrollLeft;
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; drawLanes(); });
  });
  labels.addEventListener("wheel", function (ev) { scroller.scrollTop += ev.deltaY; ev.preventDefault(); }, { passive: false });
  $("lane-order").addEventListener("change", buildRows);
  $("only-problems").addEventListener("change", buildRows);
  $("axis").addEventListener("change", function () { layout(); drawCharts(); });
  $("zoom").addEventListener("input", layout);
  window.addEventListener("resize", function () { layout(); drawCharts(); });

  function selectLane(li, ev, scroll) {
    selLane = li;
    selEvent = ev;
    if (li != null && li >= 0) {
      $("f-msg").value = L[li].id;
      var r = rows.findIndex(function (x) { return x.lane === li; });
      if (r < 0) { $("only-problems").checked = false; buildRows(); r = rows.findIndex(function (x) { return x.lane === li; }); }
      if (scroll && r >= 0 && (r * LANE_H < scroller.scrollTop || r * LANE_H > scroller.scrollTop + scroller.clientHeight - LANE_H)) scroller.scrollTop = Math.max(0, r * LANE_H - 60);
      if (ev >= 0) {
        var xx = x(ev);
        if (xx < scroller.scrollLeft || xx > scroller.scrollLeft + scroller.clientWidth) scroller.scrollLeft = Math.max(0, xx - scroller.clientWidth / 2);
      }
    } else if (ev >= 0) {
      $("f-msg").value = "";
    }
    drawLanes();
    filter();
    if (ev >= 0) scrollTableTo(ev);
  }

  // ---- depth charts
  function drawCharts() {
    var box = $("depth");
    while (box.firstChild) box.removeChild(box.firstChild);
    var qs = D.queues.filter(function (q) { return q.points.length; });
    if (!qs.length) { box.appendChild(el("div", { "class": "note" }, "No message events: nothing to chart.")); return; }
    var w = Math.max(300, box.clientWidth || 900), h = 90, axis = $("axis").value, cx = xFn(axis, w);
    qs.slice(0, MAX_CHARTS).forEach(function (q) {
      var wrap = el("div", { "class": "depth-chart", "data-queue": q.name });
      var max = 1;
      q.points.forEach(function (p) { max = Math.max(max, p[1] + p[2] + p[3]); });
      var title = el("div", { "class": "name" }, q.name + " ");
      title.appendChild(el("small", {}, "peak " + max));
      wrap.appendChild(title);
      var ro = el("div", { "class": "readout" }, "");
      wrap.appendChild(ro);
      var s = el("svg", { width: w, height: h + 14 });
      var yy = function (v) { return h - v / max * (h - 4); };
      // Stacked step areas: visible at the bottom, in flight above it, delayed on top.
      [[1, 0, "a-v"], [2, 1, "a-f"], [3, 2, "a-d"]].forEach(function (layer) {
        var top = function (p) { var v = 0; for (var k = 1; k <= layer[0]; k++) v += p[k]; return v; };
        var bot = function (p) { var v = 0; for (var k = 1; k <= layer[1]; k++) v += p[k]; return v; };
        var up = "", down = [];
        q.points.forEach(function (p, j) {
          var px = cx(p[0]), nx = j + 1 < q.points.length ? cx(q.points[j + 1][0]) : w - PAD;
          up += (j === 0 ? "M" : "L") + px.toFixed(1) + "," + yy(top(p)).toFixed(1) + "L" + nx.toFixed(1) + "," + yy(top(p)).toFixed(1);
          down.push(px.toFixed(1) + "," + yy(bot(p)).toFixed(1), nx.toFixed(1) + "," + yy(bot(p)).toFixed(1));
        });
        s.appendChild(el("path", { "class": layer[2], d: up + "L" + down.reverse().join("L") + "Z" }));
      });
      s.appendChild(el("line", { "class": "axis", x1: PAD, x2: w - PAD, y1: h, y2: h }));
      ticks(axis, w).forEach(function (tk, j) {
        var g = el("g", { "class": "tick", transform: "translate(" + tk.x.toFixed(1) + ",0)" });
        g.appendChild(el("line", { y1: h, y2: h + 3 }));
        g.appendChild(el("text", { y: h + 12, "text-anchor": anchor(j, tk.x, w) }, tk.label));
        s.appendChild(g);
      });
      s.appendChild(el("text", { x: 2, y: 10 }, String(max)));
      var cur = el("line", { "class": "cursor", y1: 0, y2: h, x1: -10, x2: -10 });
      s.appendChild(cur);
      s.addEventListener("mousemove", function (ev) {
        var mx = ev.offsetX, best = null;
        q.points.forEach(function (p) { if (cx(p[0]) <= mx) best = p; });
        cur.setAttribute("x1", mx); cur.setAttribute("x2", mx);
        ro.textContent = best ? "after event #" + E[best[0]].seq + ": visible " + best[1] + ", in flight " + best[2] + ", delayed " + best[3] : "";
      });
      wrap.appendChild(s);
      box.appendChild(wrap);
    });
    if (qs.length > MAX_CHARTS) box.appendChild(el("div", { "class": "note" }, "Showing " + MAX_CHARTS + " of " + qs.length + " queues; filter the table by queue for the others."));
  }

  // ---- event table
  var ROW_H = 22;
  var hay = E.map(function (e) {
    return [e.seq, e.kind, e.queue, e.messageId, e.operation, e.callId, e.rule, e.fault, e.detail, e.receiptHandle, e.target, e.body, e.groupId].join(" ").toLowerCase();
  });
  var shown = [];
  function fillSelect(id, values) {
    var s = $(id);
    values.forEach(function (v) { s.appendChild(el("option", { value: v }, v)); });
  }
  function uniq(f) { var m = {}; E.forEach(function (e) { var v = f(e); if (v) m[v] = 1; }); return Object.keys(m).sort(); }
  fillSelect("f-queue", uniq(function (e) { return e.queue; }));
  fillSelect("f-kind", uniq(function (e) { return e.kind; }));
  fillSelect("f-rule", uniq(function (e) { return e.rule; }));
  function filter() {
    var text = $("f-text").value.trim().toLowerCase(), msg = $("f-msg").value.trim().toLowerCase();
    var q = $("f-queue").value, k = $("f-kind").value, rule = $("f-rule").value;
    shown = [];
    for (var i = 0; i < E.length; i++) {
      var e = E[i];
      if (q && e.queue !== q) continue;
      if (k && e.kind !== k) continue;
      if (rule && e.rule !== rule) continue;
      if (msg && (e.messageId || "").toLowerCase().indexOf(msg) < 0) continue;
      if (text && hay[i].indexOf(text) < 0) continue;
      shown.push(i);
    }
    $("f-count").textContent = shown.length + " of " + E.length + " events";
    var tt = $("table-title");
    if (msg && selLane != null && selLane >= 0 && L[selLane].id.toLowerCase() === msg) {
      var l = L[selLane];
      tt.textContent = "History of message " + l.id + " (" + l.queue + "): received " + l.receives + "×, " + (l.flags && l.flags.length ? l.flags.join(", ") + ", " : "") + "ends " + (l.end || "?");
    } else {
      tt.textContent = "Events";
    }
    $("table-spacer").style.height = shown.length * ROW_H + "px";
    drawTable();
  }
  var tscroll = $("table-scroll"), trows = $("table-rows");
  function cell(cls, text, title) { var s = el("span", { "class": cls }, text); if (title) s.title = title; return s; }
  function drawTable() {
    var top = tscroll.scrollTop, vh = tscroll.clientHeight || 360;
    var first = Math.max(0, Math.floor(top / ROW_H) - 10), last = Math.min(shown.length, Math.ceil((top + vh) / ROW_H) + 10);
    trows.style.top = first * ROW_H + "px";
    while (trows.firstChild) trows.removeChild(trows.firstChild);
    for (var r = first; r < last; r++) {
      var i = shown[r], e = E[i];
      var row = el("div", { "class": "row " + kindClass(e.kind) + (hot[i] ? " hot" : "") + (i === selEvent ? " sel" : ""), "data-ev": i, "data-kind": e.kind, "data-msg": e.messageId || "" });
      row.appendChild(cell("c-seq", String(e.seq)));
      row.appendChild(cell("c-time", fmtTime(e), e.time));
      row.appendChild(cell("c-queue", e.queue || "", e.queue));
      row.appendChild(cell("c-kind", (hot[i] ? "⚠ " : "") + e.kind, hot[i] ? hot[i].text : ""));
      var m = cell("c-msg", short(e.messageId), e.messageId);
      if (e.messageId) m.addEventListener("click", (function (ln, ev) { return function () { selectLane(ln, ev, true); }; })(e.lane, i));
      row.appendChild(m);
      row.appendChild(cell("c-op", e.operation ? e.operation + (e.callId ? " #" + e.callId : "") : ""));
      row.appendChild(cell("c-rule", e.rule ? e.rule + " (" + (e.fault || "") + ")" : ""));
      var d = [];
      if (e.receiveCount) d.push("receive " + e.receiveCount);
      if (e.visibleAt) d.push("visible at " + e.visibleAt.replace(/^.*T/, "").replace(/Z$/, ""));
      if (e.target) d.push("→ " + e.target);
      if (e.detail) d.push(e.detail);
      if (e.body) d.push(e.body);
      if (e.receiptHandle) d.push("receipt " + e.receiptHandle.slice(0, 12) + "…");
      row.appendChild(cell("c-detail", d.join(" · "), d.join("\n")));
      trows.appendChild(row);
    }
  }
  function scrollTableTo(ev) {
    var r = shown.indexOf(ev);
    if (r >= 0) { tscroll.scrollTop = Math.max(0, r * ROW_H - 3 * ROW_H); drawTable(); }
  }
  var tpending = false;
  tscroll.addEventListener("scroll", function () {
    if (tpending) return;
    tpending = true;
    requestAnimationFrame(function () { tpending = false; drawTable(); });
  });
  ["f-text", "f-msg"].forEach(function (id) { $(id).addEventListener("input", function () { if (id === "f-msg") selLane = laneOf($(id).value); filter(); drawLanes(); }); });
  ["f-queue", "f-kind", "f-rule"].forEach(function (id) { $(id).addEventListener("change", filter); });
  $("f-clear").addEventListener("click", function () {
    ["f-text", "f-msg", "f-queue", "f-kind", "f-rule"].forEach(function (id) { $(id).value = ""; });
    selLane = null; selEvent = -1; filter(); drawLanes();
  });
  function laneOf(id) {
    id = id.trim();
    for (var i = 0; i < L.length; i++) if (L[i].id === id) return i;
    return null;
  }

  buildRows();
  drawCharts();
  filter();
  document.body.setAttribute("data-ready", "true");
})();
