// sqsmock live console: plain JavaScript, no dependencies. It polls the admin endpoints under
// /_sqsmock/ once a second and acts through them (same origin, so the admin guard lets it in;
// the admin token, if any, is kept in sessionStorage and sent as "Authorization: Bearer").
// Lists come in pages (limit, after, next): the console asks for the pages shown, following
// next, and "Show more" shows one more, so a mock of 20,000 queues or messages costs a page a
// second, not all of them.
"use strict";

const TOKEN_KEY = "sqsmock-admin-token";
const HISTORY = 300; // points kept per queue: five minutes at one a second
const COLORS = ["#2563eb", "#16a34a", "#d97706", "#7c3aed", "#dc2626", "#0891b2", "#db2777", "#65a30d"];
const PAGE = 100;        // queues or messages per page

const state = {
  queues: [],            // the queues shown: the pages of GET /_sqsmock/queues asked for
  queuesTotal: 0,        // how many queues match the filter
  queuesMore: false,     // whether pages follow those shown
  queuePages: 1,         // pages of queues shown
  queuePrefix: "",       // the filter: a queue name prefix
  msgPages: 1,           // pages of messages shown
  depth: new Map(),      // queue key -> [{t, ready, inFlight, delayed}]
  route: { view: "queues" },
  selected: null,        // message id whose history is open
  faultSince: 0,         // last trace seq of fault events seen
  injections: [],        // fault events, newest first
  topics: [],            // GET /_sqsmock/topics
  deliveries: [],        // the chosen topic's SNS delivery events from the trace, newest first
  deliverySince: 0,      // last trace seq asked for the chosen topic
  traceOff: false,       // the trace is off: no deliveries to show
  busy: false,
};

// h builds an element: h("td", {class: "num"}, "3").
function h(tag, attrs, ...children) {
  const svg = ["svg", "polyline", "line", "text", "g", "rect"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function qkey(q) { return q.account + "/" + q.region + "/" + q.name; }

function qparams(q) {
  return "account=" + encodeURIComponent(q.account) + "&region=" + encodeURIComponent(q.region);
}

// api calls an admin endpoint and returns {ok, status, data}.
async function api(method, path, body, contentType) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = "Bearer " + token;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: "same-origin", cache: "no-store" });
  } catch (e) {
    setStatus("server unreachable: " + e.message, true);
    return { ok: false, status: 0, data: { error: "server unreachable: " + e.message } };
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = { error: "HTTP " + res.status }; }
  if (res.status === 401) {
    notice("The server wants an admin token (-admin-token, WithAdminToken): enter it at the top right.");
  }
  return { ok: res.ok, status: res.status, data };
}

function errorText(r) {
  const d = r.data || {};
  if (d.code) return d.code + ": " + d.message;
  return d.error || ("HTTP " + r.status);
}

function setStatus(text, bad) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.className = "status" + (bad ? " bad" : "");
}

function notice(text) {
  const n = document.getElementById("notice");
  n.textContent = text;
  n.hidden = !text;
}

function fmtTime(s) {
  if (!s) return "";
  const d = new Date(s);
  if (isNaN(d)) return s;
  return d.toISOString().slice(11, 23);
}

// ---- routing ----

function parseRoute() {
  const hash = location.hash.replace(/^#/, "");
  if (hash === "faults") return { view: "faults" };
  if (hash === "topics" || hash.startsWith("topics/")) return { view: "topics", topic: decodeURIComponent(hash.slice(7)) };
  if (hash.startsWith("queue/")) {
    const [path, query] = hash.slice(6).split("?");
    const p = new URLSearchParams(query || "");
    return { view: "queue", name: decodeURIComponent(path), account: p.get("account") || "", region: p.get("region") || "" };
  }
  return { view: "queues" };
}

function queueHref(q) { return "#queue/" + encodeURIComponent(q.name) + "?" + qparams(q); }

function topicHref(arn) { return "#topics/" + encodeURIComponent(arn); }

function route() {
  state.route = parseRoute();
  state.selected = null;
  state.queuePages = 1;
  state.msgPages = 1;
  state.deliveries = [];
  state.deliverySince = 0;
  const view = state.route.view;
  document.getElementById("nav-queues").classList.toggle("active", view === "queues" || view === "queue");
  document.getElementById("nav-topics").classList.toggle("active", view === "topics");
  document.getElementById("nav-faults").classList.toggle("active", view === "faults");
  const main = document.getElementById("main");
  main.replaceChildren();
  if (view === "queues") main.append(queuesView());
  else if (view === "queue") main.append(queueView());
  else if (view === "topics") main.append(topicsView());
  else main.append(faultsView());
  tick();
}

// ---- polling ----

// pages fetches the first n pages of a paged endpoint (path has a query already), following
// next; it returns the last answer with items, every page's items together, or the failed answer.
async function pages(path, key, n) {
  let items = [], r, after = "";
  for (let i = 0; i < n; i++) {
    r = await api("GET", path + "&limit=" + PAGE + (after ? "&after=" + encodeURIComponent(after) : ""));
    if (!r.ok) return r;
    items = items.concat(r.data[key]);
    if (!r.data.next) break;
    after = r.data.next;
  }
  r.data[key] = items;
  return r;
}

// live records the poll's answer in the status line.
function live(r) {
  if (r.ok) {
    setStatus("live · " + new Date().toLocaleTimeString());
    notice("");
  } else {
    setStatus(errorText(r), true);
  }
}

// depthPoint adds a point to a queue's depth history.
function depthPoint(q, now) {
  const k = qkey(q);
  if (!state.depth.has(k)) state.depth.set(k, []);
  const pts = state.depth.get(k);
  pts.push({ t: now, ready: q.ready, inFlight: q.inFlight, delayed: q.delayed });
  if (pts.length > HISTORY) pts.splice(0, pts.length - HISTORY);
}

async function tick() {
  if (state.busy) return;
  state.busy = true;
  try {
    if (state.route.view === "queues") await pollQueues();
    await pollFaultEvents();
    if (state.route.view === "queues") renderQueues();
    else if (state.route.view === "queue") await refreshQueue();
    else if (state.route.view === "topics") await refreshTopics();
    else await refreshFaults();
  } finally {
    state.busy = false;
  }
}

// pollQueues fetches the pages of queues shown.
async function pollQueues() {
  const r = await pages("/_sqsmock/queues?prefix=" + encodeURIComponent(state.queuePrefix), "queues", state.queuePages);
  state.queuesError = r.ok ? "" : errorText(r);
  if (r.ok) {
    state.queues = r.data.queues;
    state.queuesTotal = r.data.total;
    state.queuesMore = !!r.data.next;
    const now = Date.now();
    for (const q of state.queues) depthPoint(q, now);
  }
  live(r);
}

async function pollFaultEvents() {
  const r = await api("GET", "/_sqsmock/faults/injections?since=" + state.faultSince);
  if (!r.ok) return;
  for (const ev of r.data.events) state.injections.unshift(ev);
  if (state.injections.length > 500) state.injections.length = 500;
  state.faultSince = r.data.last;
}

// ---- charts ----

// chart draws series [{label, color, values: [{t, v}]}] over the last HISTORY seconds.
function chart(id, series) {
  const W = 800, H = 180, L = 40, B = 18, T = 8;
  const now = Date.now();
  let max = 1, first = now;
  for (const s of series) for (const p of s.values) { max = Math.max(max, p.v); first = Math.min(first, p.t); }
  // The window grows with the page's age from one minute to HISTORY seconds.
  const span = Math.min(HISTORY * 1000, Math.max(60 * 1000, now - first));
  const x = t => L + (W - L - 4) * (1 - (now - t) / span);
  const y = v => T + (H - T - B) * (1 - v / max);
  const svg = h("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", id });
  svg.append(h("line", { class: "axis", x1: L, y1: H - B, x2: W, y2: H - B }));
  svg.append(h("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
  svg.append(h("text", { x: 2, y: T + 8 }, String(max)));
  svg.append(h("text", { x: 2, y: H - B }, "0"));
  svg.append(h("text", { x: L, y: H - 4 }, "−" + Math.round(span / 1000) + " s"));
  svg.append(h("text", { x: W - 30, y: H - 4 }, "now"));
  let points = 0;
  for (const s of series) {
    const pts = s.values.filter(p => now - p.t <= span);
    points = Math.max(points, pts.length);
    svg.append(h("polyline", { fill: "none", stroke: s.color, "stroke-width": 2, "data-series": s.label,
      "data-points": pts.length, points: pts.map(p => x(p.t).toFixed(1) + "," + y(p.v).toFixed(1)).join(" ") }));
  }
  svg.setAttribute("data-points", points);
  const legend = h("div", { class: "legend" }, series.map(s => h("span", {}, h("i", { class: "swatch" }), s.label)));
  legend.querySelectorAll("i").forEach((el, i) => { el.style.background = series[i].color; });
  return h("div", { class: "chart" }, svg, legend);
}

// ---- queues ----

function queuesView() {
  const filter = h("input", { id: "queue-filter", type: "search", placeholder: "name starts with…", value: state.queuePrefix,
    oninput: ev => { state.queuePrefix = ev.target.value; state.queuePages = 1; tick(); } });
  return h("div", {},
    h("h1", {}, "Queues"),
    h("section", { class: "card" },
      h("div", { class: "row" }, h("div", {}, h("label", { for: "queue-filter" }, "Filter "), filter),
        h("span", { id: "queues-count", class: "muted" })),
      h("div", { id: "queues-box" }, h("p", { class: "muted" }, "loading…")),
      h("div", { class: "actions" }, h("button", { id: "queues-more", class: "secondary", hidden: true,
        onclick: () => { state.queuePages++; tick(); } }, "Show more"))),
    h("section", { class: "card" }, h("h2", {}, "Depth (visible + in flight + delayed)"), h("div", { id: "depth-box" })),
    h("section", { class: "card" }, h("h2", {}, "Fault injections, live"), h("div", { id: "inj-box" })));
}

function renderQueues() {
  const box = document.getElementById("queues-box");
  if (!box) return;
  document.getElementById("queues-more").hidden = !!state.queuesError || !state.queuesMore;
  document.getElementById("queues-count").textContent = state.queuesError ? "" :
    state.queues.length + " of " + state.queuesTotal + (state.queuePrefix ? " matching" : "");
  if (state.queuesError) {
    box.replaceChildren(h("p", { class: "err", id: "queues-error" }, state.queuesError));
  } else if (state.queues.length === 0 && state.queuePrefix) {
    box.replaceChildren(h("p", { class: "muted", id: "no-queues" }, "No queue's name starts with " + JSON.stringify(state.queuePrefix) + "."));
  } else if (state.queues.length === 0) {
    box.replaceChildren(h("p", { class: "muted", id: "no-queues" }, "No queues yet. Create one with an SDK or the AWS CLI (aws --endpoint-url " + location.origin + " sqs create-queue --queue-name q)."));
  } else {
    const rows = state.queues.map(q => h("tr", { "data-queue": q.name },
      h("td", {}, h("a", { href: queueHref(q) }, q.name)),
      h("td", { class: "muted" }, q.account + " · " + q.region),
      h("td", {}, q.fifo ? "FIFO" : "standard"),
      h("td", { class: "num ready" }, q.ready),
      h("td", { class: "num inflight" }, q.inFlight),
      h("td", { class: "num delayed" }, q.delayed)));
    box.replaceChildren(h("table", { id: "queues" },
      h("thead", {}, h("tr", {}, h("th", {}, "Queue"), h("th", {}, "Account · region"), h("th", {}, "Type"),
        h("th", { class: "num" }, "Visible"), h("th", { class: "num" }, "In flight"), h("th", { class: "num" }, "Delayed"))),
      h("tbody", {}, rows)));
  }
  const series = state.queues.slice(0, COLORS.length).map((q, i) => ({
    label: q.name, color: COLORS[i],
    values: (state.depth.get(qkey(q)) || []).map(p => ({ t: p.t, v: p.ready + p.inFlight + p.delayed })),
  }));
  document.getElementById("depth-box").replaceChildren(chart("depth-chart", series));
  document.getElementById("inj-box").replaceChildren(injectionTable(state.injections.slice(0, 20)));
}

// ---- one queue ----

function routeParams() {
  const r = state.route, p = [];
  if (r.account) p.push("account=" + encodeURIComponent(r.account));
  if (r.region) p.push("region=" + encodeURIComponent(r.region));
  return "?" + p.join("&");
}

function queuePath(suffix) { return "/_sqsmock/queues/" + encodeURIComponent(state.route.name) + (suffix || "") + routeParams(); }

function result(id, r, okText) {
  const el = document.getElementById(id);
  if (!el) return;
  el.className = r.ok ? "ok" : "err";
  el.textContent = r.ok ? okText : errorText(r);
}

function queueView() {
  const name = state.route.name;
  const send = h("form", { class: "stack", id: "send-form", onsubmit: async ev => {
    ev.preventDefault();
    const body = { MessageBody: document.getElementById("send-body").value };
    const delay = document.getElementById("send-delay").value;
    if (delay !== "") body.DelaySeconds = Number(delay);
    const group = document.getElementById("send-group").value;
    if (group) body.MessageGroupId = group;
    const dedup = document.getElementById("send-dedup").value;
    if (dedup) body.MessageDeduplicationId = dedup;
    const attrs = document.getElementById("send-attrs").value.trim();
    if (attrs) {
      try { body.MessageAttributes = JSON.parse(attrs); } catch (e) {
        result("send-result", { ok: false, data: { error: "attributes: " + e.message } }); return;
      }
    }
    const r = await api("POST", queuePath("/messages"), body);
    result("send-result", r, r.ok ? "sent " + r.data.messageId : "");
    tick();
  } },
  h("label", { for: "send-body" }, "Body"), h("textarea", { id: "send-body", rows: 3 }),
  h("div", { class: "row" },
    h("div", {}, h("label", { for: "send-delay" }, "Delay seconds"), h("input", { id: "send-delay", type: "number", min: 0, max: 900 })),
    h("div", {}, h("label", { for: "send-group" }, "Message group id"), h("input", { id: "send-group", type: "text" })),
    h("div", {}, h("label", { for: "send-dedup" }, "Deduplication id"), h("input", { id: "send-dedup", type: "text" }))),
  h("label", { for: "send-attrs" }, "Message attributes (JSON, as SendMessage takes them)"),
  h("textarea", { id: "send-attrs", rows: 2, class: "code", placeholder: '{"color": {"DataType": "String", "StringValue": "blue"}}' }),
  h("div", { class: "actions" }, h("button", { id: "send-btn", type: "submit" }, "Send"), h("span", { id: "send-result" })));

  const purge = h("div", { class: "actions" },
    h("button", { id: "purge-btn", class: "danger", onclick: async () => {
      const r = await api("POST", queuePath("/purge"));
      result("purge-result", r, "purged");
      tick();
    } }, "Purge queue"), h("span", { id: "purge-result" }));

  const redrive = h("form", { class: "stack", id: "redrive-form", onsubmit: async ev => {
    ev.preventDefault();
    const body = {};
    const dest = document.getElementById("redrive-dest").value.trim();
    if (dest) body.DestinationArn = dest;
    const rate = document.getElementById("redrive-rate").value;
    if (rate) body.MaxNumberOfMessagesPerSecond = Number(rate);
    const r = await api("POST", queuePath("/movetasks"), body);
    result("redrive-result", r, r.ok ? "started" : "");
    tick();
  } },
  h("p", { class: "muted" }, "Start a message move task from this queue (a dead-letter queue): without a destination, messages go back to the queues they came from."),
  h("div", { class: "row" },
    h("div", {}, h("label", { for: "redrive-dest" }, "Destination ARN (optional)"), h("input", { id: "redrive-dest", type: "text" })),
    h("div", {}, h("label", { for: "redrive-rate" }, "Messages per second (optional)"), h("input", { id: "redrive-rate", type: "number", min: 1, max: 500 }))),
  h("div", { class: "actions" }, h("button", { id: "redrive-btn", type: "submit" }, "Start move task"), h("span", { id: "redrive-result" })),
  h("div", { id: "tasks-box" }));

  return h("div", {},
    h("h1", {}, h("a", { href: "#" }, "Queues"), " / ", name),
    h("section", { class: "card" }, h("div", { id: "counts-box" }), h("div", { id: "qdepth-box" })),
    h("div", { class: "row" },
      h("section", { class: "card" }, h("h2", {}, "Send a message"), send, h("h2", {}, "Purge"), purge),
      h("section", { class: "card" }, h("h2", {}, "Redrive"), redrive)),
    h("section", { class: "card" }, h("h2", {}, "Messages ", h("span", { id: "msg-total", class: "muted" })), h("div", { id: "messages-box" }),
      h("div", { class: "actions" }, h("button", { id: "messages-more", class: "secondary", hidden: true,
        onclick: () => { state.msgPages++; tick(); } }, "Show more"))),
    h("section", { class: "card", id: "history-card", hidden: true }, h("h2", {}, "History of ", h("code", { id: "history-id" })), h("div", { id: "history-box" })),
    h("section", { class: "card" }, h("details", {}, h("summary", {}, "Attributes and tags"), h("div", { id: "attrs-box" }))));
}

async function refreshQueue() {
  const [info, msgs, tasks] = await Promise.all([
    api("GET", queuePath("")), pages(queuePath("/messages"), "messages", state.msgPages), api("GET", queuePath("/movetasks"))]);
  live(info);
  const counts = document.getElementById("counts-box");
  if (!counts) return;
  const q = info.ok ? info.data : null;
  if (q) {
    depthPoint(q, Date.now());
    counts.replaceChildren(h("p", {},
      h("span", { class: "ready", id: "count-ready" }, q.ready), " visible · ",
      h("span", { class: "inflight", id: "count-inflight" }, q.inFlight), " in flight · ",
      h("span", { class: "delayed", id: "count-delayed" }, q.delayed), " delayed · ",
      h("span", { class: "muted" }, q.fifo ? "FIFO" : "standard", " · ", q.arn)));
    const pts = state.depth.get(qkey(q)) || [];
    document.getElementById("qdepth-box").replaceChildren(chart("queue-chart", [
      { label: "visible", color: "#16a34a", values: pts.map(p => ({ t: p.t, v: p.ready })) },
      { label: "in flight", color: "#d97706", values: pts.map(p => ({ t: p.t, v: p.inFlight })) },
      { label: "delayed", color: "#7c3aed", values: pts.map(p => ({ t: p.t, v: p.delayed })) },
    ]));
  } else {
    counts.replaceChildren(h("p", { class: "err" }, "No queue " + state.route.name + " (deleted?): " + errorText(info)));
  }
  if (info.ok) {
    const rows = Object.entries(info.data.attributes || {}).sort().map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, v)));
    const tags = Object.entries(info.data.tags || {}).sort().map(([k, v]) => h("tr", {}, h("td", {}, "tag " + k), h("td", { class: "mono" }, v)));
    const box = document.getElementById("attrs-box");
    if (box) box.replaceChildren(h("table", { id: "attributes" }, h("tbody", {}, rows, tags)));
  }
  if (msgs.ok) renderMessages(msgs.data);
  const tbox = document.getElementById("tasks-box");
  if (tbox) {
    if (tasks.ok && tasks.data.tasks.length) {
      tbox.replaceChildren(h("table", { id: "tasks" },
        h("thead", {}, h("tr", {}, h("th", {}, "Status"), h("th", {}, "Destination"), h("th", { class: "num" }, "Moved"), h("th", { class: "num" }, "To move"), h("th", {}))),
        h("tbody", {}, tasks.data.tasks.map(t => h("tr", {},
          h("td", {}, t.status, t.failureReason ? " (" + t.failureReason + ")" : ""),
          h("td", { class: "mono" }, t.destinationArn || "(sources)"),
          h("td", { class: "num" }, t.approximateNumberOfMessagesMoved),
          h("td", { class: "num" }, t.approximateNumberOfMessagesToMove || ""),
          h("td", {}, t.status === "RUNNING" && t.taskHandle ? h("button", { class: "small secondary", onclick: async () => {
            const r = await api("POST", "/_sqsmock/movetasks/cancel", { TaskHandle: t.taskHandle });
            result("redrive-result", r, "cancelling");
            tick();
          } }, "Cancel") : ""))))));
    } else {
      tbox.replaceChildren(h("p", { class: "muted" }, tasks.ok ? "No move tasks." : errorText(tasks)));
    }
  }
  if (state.selected) await showHistory(state.selected);
}

function renderMessages(data) {
  const box = document.getElementById("messages-box");
  if (!box) return;
  document.getElementById("msg-total").textContent = "(" + data.total + (data.total > data.messages.length ? ", first " + data.messages.length + " shown" : "") + ")";
  document.getElementById("messages-more").hidden = !data.next;
  if (data.messages.length === 0) { box.replaceChildren(h("p", { class: "muted", id: "no-messages" }, "The queue is empty.")); return; }
  box.replaceChildren(h("table", { id: "messages" },
    h("thead", {}, h("tr", {}, h("th", {}, "Message id"), h("th", {}, "State"), h("th", { class: "num" }, "Receives"),
      h("th", {}, "Sent"), h("th", {}, "Visible at"), h("th", {}, "Body"), h("th", {}, "Attributes"), h("th", {}))),
    h("tbody", {}, data.messages.map(m => h("tr", { "data-id": m.id, class: m.id === state.selected ? "selected" : "" },
      h("td", {}, h("button", { type: "button", class: "link mono msg-link", onclick: () => showHistory(m.id) }, m.id)),
      h("td", {}, h("span", { class: "state " + m.state }, m.state)),
      h("td", { class: "num receives" }, m.receiveCount),
      h("td", { class: "mono" }, fmtTime(m.sentAt)),
      h("td", { class: "mono" }, fmtTime(m.visibleAt)),
      h("td", { class: "body mono", title: m.body }, m.body),
      h("td", { class: "mono" }, Object.entries(m.attributes || {}).map(([k, a]) => k + "=" + (a.value || (a.binary ? "(binary)" : ""))).join(", "),
        m.groupId ? " group=" + m.groupId : ""),
      h("td", {}, h("button", { class: "small secondary delete-btn", onclick: async () => {
        const r = await api("DELETE", queuePath("/messages/" + encodeURIComponent(m.id)));
        if (!r.ok) alertBox(errorText(r));
        tick();
      } }, "Delete")))))));
}

function alertBox(text) { notice(text); }

async function showHistory(id) {
  state.selected = id;
  document.querySelectorAll("#messages tr").forEach(tr => tr.classList.toggle("selected", tr.dataset.id === id));
  const card = document.getElementById("history-card");
  if (!card) return;
  card.hidden = false;
  document.getElementById("history-id").textContent = id;
  const r = await api("GET", queuePath("/messages/" + encodeURIComponent(id)));
  const box = document.getElementById("history-box");
  if (!r.ok) { box.replaceChildren(h("p", { class: "err" }, errorText(r))); return; }
  const m = r.data.message;
  box.replaceChildren(
    m ? h("p", {}, h("span", { class: "state " + m.state }, m.state), " · received ", m.receiveCount, " times · body ", h("code", {}, m.body))
      : h("p", { class: "muted" }, "No longer in the queue."),
    eventTable(r.data.history, "history"));
}

function eventTable(events, id) {
  if (!events || events.length === 0) return h("p", { class: "muted" }, "No trace events (is the trace on? cmd/sqsmock -trace N, sqsmock.WithTrace).");
  return h("table", { id },
    h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Time"), h("th", {}, "Event"), h("th", {}, "Call"),
      h("th", { class: "num" }, "Receive"), h("th", {}, "Visible at"), h("th", {}, "Detail"))),
    h("tbody", {}, events.map(e => h("tr", { class: "ev kind-" + e.kind.replace(/\W/g, "-"), "data-kind": e.kind },
      h("td", { class: "num" }, e.seq), h("td", { class: "mono" }, fmtTime(e.time)), h("td", {}, e.kind),
      h("td", {}, e.operation || ""), h("td", { class: "num" }, e.receiveCount || ""), h("td", { class: "mono" }, fmtTime(e.visibleAt)),
      h("td", {}, [e.target ? "→ " + e.target : "", e.rule ? "rule " + e.rule : "", e.fault || "", e.detail || ""].filter(Boolean).join(" · "))))));
}

// ---- topics ----

// queueOfARN is the queue an SQS ARN names ({name, account, region}), or null.
function queueOfARN(arn) {
  const p = (arn || "").split(":");
  if (p.length !== 6 || p[2] !== "sqs") return null;
  return { region: p[3], account: p[4], name: p[5] };
}

// queueLink links a queue's ARN to its page.
function queueLink(arn) {
  const q = queueOfARN(arn);
  return q ? h("a", { href: queueHref(q), title: arn }, q.name) : h("span", { class: "mono" }, arn || "");
}

function topicsView() {
  return h("div", {},
    h("h1", {}, state.route.topic ? [h("a", { href: "#topics" }, "Topics"), " / ", state.route.topic.split(":").pop()] : "Topics"),
    h("section", { class: "card" }, h("p", { id: "topics-count", class: "muted" }), h("div", { id: "topics-box" }, h("p", { class: "muted" }, "loading…"))),
    state.route.topic ? [
      h("section", { class: "card" }, h("h2", {}, "Subscriptions ", h("span", { class: "muted mono" }, state.route.topic)), h("div", { id: "subscriptions-box" })),
      h("section", { class: "card" }, h("h2", {}, "Deliveries ", h("span", { id: "deliveries-count", class: "muted" })), h("div", { id: "deliveries-box", class: "feed" })),
    ] : null);
}

// refreshTopics polls the topics and, for the chosen topic, its new delivery events.
async function refreshTopics() {
  const r = await api("GET", "/_sqsmock/topics");
  live(r);
  const box = document.getElementById("topics-box");
  if (!box) return;
  if (!r.ok) { box.replaceChildren(h("p", { class: "err", id: "topics-error" }, errorText(r))); return; }
  state.topics = r.data.topics;
  renderTopics();
  const arn = state.route.topic;
  if (!arn) return;
  const d = await api("GET", "/_sqsmock/trace?limit=500&topic=" + encodeURIComponent(arn) + "&since=" + state.deliverySince);
  if (state.route.topic !== arn || !d.ok) return;
  state.traceOff = d.data.size === 0;
  for (const ev of d.data.events) state.deliveries.unshift(ev);
  if (state.deliveries.length > 500) state.deliveries.length = 500;
  state.deliverySince = d.data.last;
  renderDeliveries();
}

function renderTopics() {
  const box = document.getElementById("topics-box");
  const topics = state.topics;
  document.getElementById("topics-count").textContent = topics.length + (topics.length === 1 ? " topic" : " topics");
  if (topics.length === 0) {
    box.replaceChildren(h("p", { class: "muted", id: "no-topics" }, "No topics yet. Create one with an SDK or the AWS CLI (aws --endpoint-url " + location.origin + " sns create-topic --name t)."));
  } else {
    box.replaceChildren(h("table", { id: "topics" },
      h("thead", {}, h("tr", {}, h("th", {}, "Topic"), h("th", {}, "Account · region"), h("th", {}, "Type"), h("th", { class: "num" }, "Subscriptions"))),
      h("tbody", {}, topics.map(t => h("tr", { "data-topic": t.arn, class: t.arn === state.route.topic ? "selected" : "" },
        h("td", {}, h("a", { href: topicHref(t.arn), title: t.arn }, t.name)),
        h("td", { class: "muted" }, t.account + " · " + t.region),
        h("td", {}, t.fifo ? "FIFO" + (t.contentBasedDeduplication ? " · content-based deduplication" : "") : "standard"),
        h("td", { class: "num subscription-count" }, t.subscriptionCount))))));
  }
  const sbox = document.getElementById("subscriptions-box");
  if (!sbox) return;
  const topic = topics.find(t => t.arn === state.route.topic);
  if (!topic) { sbox.replaceChildren(h("p", { class: "err", id: "no-topic" }, "No topic " + state.route.topic + " (deleted?).")); return; }
  if (topic.subscriptions.length === 0) { sbox.replaceChildren(h("p", { class: "muted", id: "no-subscriptions" }, "No subscriptions: a publish goes nowhere.")); return; }
  sbox.replaceChildren(h("table", { id: "subscriptions" },
    h("thead", {}, h("tr", {}, h("th", {}, "Queue"), h("th", {}, "Delivery"), h("th", {}, "Filter policy"), h("th", {}, "Dead-letter queue"), h("th", {}, "Subscription"))),
    h("tbody", {}, topic.subscriptions.map(s => h("tr", { "data-subscription": s.arn, "data-endpoint": s.endpoint },
      h("td", { class: "endpoint" }, queueLink(s.endpoint)),
      h("td", { class: "delivery" }, s.rawMessageDelivery ? "raw" : "envelope"),
      h("td", { class: "filter" }, s.filterPolicy ? [h("code", {}, s.filterPolicy), h("span", { class: "muted" }, " on " + (s.filterPolicyScope || "MessageAttributes"))] : h("span", { class: "muted" }, "none: every message")),
      h("td", { class: "dlq" }, s.deadLetterQueueArn ? queueLink(s.deadLetterQueueArn) : h("span", { class: "muted" }, "none")),
      h("td", { class: "mono muted" }, s.arn.split(":").pop()))))));
}

// outcomes names the SNS delivery events as the deliveries table shows them.
const outcomes = { "sns.delivered": "delivered", "sns.filtered": "filtered", "sns.failed": "failed" };

function renderDeliveries() {
  const box = document.getElementById("deliveries-box");
  if (!box) return;
  const evs = state.deliveries;
  document.getElementById("deliveries-count").textContent = evs.length ? "(newest first, " + evs.length + " shown)" : "";
  if (state.traceOff) { box.replaceChildren(h("p", { class: "muted", id: "no-deliveries" }, "The trace is off, so deliveries are not recorded (cmd/sqsmock -trace N, Options.TraceSize).")); return; }
  if (evs.length === 0) { box.replaceChildren(h("p", { class: "muted", id: "no-deliveries" }, "No deliveries in the trace: publish to the topic.")); return; }
  box.replaceChildren(h("table", { id: "deliveries" },
    h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Time"), h("th", {}, "Outcome"), h("th", {}, "Queue"), h("th", {}, "Detail"))),
    h("tbody", {}, evs.map(e => h("tr", { class: "ev kind-" + e.kind.replace(/\W/g, "-"), "data-kind": e.kind },
      h("td", { class: "num" }, e.seq), h("td", { class: "mono" }, fmtTime(e.time)),
      h("td", {}, h("span", { class: "state " + (outcomes[e.kind] || "") }, outcomes[e.kind] || e.kind)),
      h("td", { class: "queue" }, e.account && e.region ? h("a", { href: queueHref({ name: e.queue, account: e.account, region: e.region }) }, e.queue) : e.queue || ""),
      h("td", { class: e.kind === "sns.failed" ? "detail err" : "detail" }, e.kind === "sns.delivered" ? "subscription " + (e.detail || "").split(":").pop() : e.detail || ""))))));
}

// ---- faults ----

function faultsView() {
  return h("div", {},
    h("h1", {}, "Fault plan"),
    h("section", { class: "card" },
      h("p", { id: "plan-state" }, "…"),
      h("div", { class: "row" }, h("div", {},
        h("label", { for: "plan-format" }, "Format "),
        h("select", { id: "plan-format" }, h("option", { value: "json" }, "JSON"), h("option", { value: "yaml" }, "YAML")))),
      h("textarea", { id: "plan-text", class: "code tall", rows: 14, placeholder: '{"seed": 1, "rules": [{"name": "flaky-send", "kind": "error", "operations": ["SendMessage"], "probability": 0.1}]}' }),
      h("div", { class: "actions" },
        h("button", { id: "plan-save", onclick: async () => {
          const yaml = document.getElementById("plan-format").value === "yaml";
          const r = await api("PUT", "/_sqsmock/faults", document.getElementById("plan-text").value, yaml ? "application/yaml" : "application/json");
          result("plan-result", r, "plan replaced");
          state.planLoaded = false;
          tick();
        } }, "Save plan"),
        h("button", { id: "plan-pause", class: "secondary", onclick: async () => {
          const r = await api("POST", state.paused ? "/_sqsmock/faults/resume" : "/_sqsmock/faults/pause");
          result("plan-result", r, r.ok && r.data.paused ? "paused" : "resumed");
          tick();
        } }, "Pause"),
        h("button", { id: "plan-reload", class: "secondary", onclick: () => { state.planLoaded = false; tick(); } }, "Reload"),
        h("button", { id: "plan-clear", class: "danger", onclick: async () => {
          const r = await api("DELETE", "/_sqsmock/faults");
          result("plan-result", r, "plan removed");
          state.planLoaded = false;
          tick();
        } }, "Clear"),
        h("span", { id: "plan-result" }))),
    h("section", { class: "card" }, h("h2", {}, "Injections as they happen ", h("span", { class: "muted", id: "inj-count" })), h("div", { id: "inj-box", class: "feed" })));
}

async function refreshFaults() {
  const r = await api("GET", "/_sqsmock/faults");
  if (!r.ok || !document.getElementById("plan-state")) return;
  state.paused = r.data.paused;
  const p = r.data.plan;
  document.getElementById("plan-state").replaceChildren(
    p ? h("span", {}, h("b", { id: "plan-status" }, r.data.paused ? "paused" : "active"), " · ", (p.rules || []).length, " rules · seed ", p.seed,
      " · ", (r.data.injections || []).length, " injections recorded by the plan")
      : h("span", {}, h("b", { id: "plan-status" }, r.data.paused ? "no plan (paused)" : "no plan"), " · paste one below and save"));
  document.getElementById("plan-pause").textContent = r.data.paused ? "Resume" : "Pause";
  const ta = document.getElementById("plan-text");
  if (!state.planLoaded && document.activeElement !== ta) {
    document.getElementById("plan-format").value = "json";
    ta.value = p ? JSON.stringify(p, null, 2) : "";
    state.planLoaded = true;
  }
  document.getElementById("inj-count").textContent = "(" + state.injections.length + " seen by this page)";
  document.getElementById("inj-box").replaceChildren(injectionTable(state.injections));
}

function injectionTable(events) {
  if (events.length === 0) return h("p", { class: "muted" }, "No injections seen since this page opened.");
  return h("table", { id: "injections" },
    h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Time"), h("th", {}, "Rule"), h("th", {}, "Fault"),
      h("th", {}, "Call"), h("th", {}, "Queue"), h("th", {}, "Message"), h("th", {}, "Detail"))),
    h("tbody", {}, events.map(e => h("tr", { class: "ev", "data-kind": e.kind },
      h("td", { class: "num" }, e.seq), h("td", { class: "mono" }, fmtTime(e.time)), h("td", {}, e.rule || ""), h("td", {}, e.fault || ""),
      h("td", {}, e.operation || ""), h("td", {}, e.queue || ""), h("td", { class: "mono" }, e.messageId || ""), h("td", {}, e.detail || "")))));
}

// ---- start ----

document.getElementById("token").value = sessionStorage.getItem(TOKEN_KEY) || "";
document.getElementById("token-form").addEventListener("submit", ev => {
  ev.preventDefault();
  const v = document.getElementById("token").value.trim();
  if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY);
  notice("");
  state.planLoaded = false;
  tick();
});
window.addEventListener("hashchange", route);
route();
setInterval(tick, 1000);
