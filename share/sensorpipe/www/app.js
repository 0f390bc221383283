// sensorpipe dashboard: history from /api/history, then live readings from /ws.
// No build step and no network beyond ws-serve: plain JS plus uPlot (vendor/).
"use strict";
(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get("token");              // carried on to the API and the WebSocket
  if (token) {
    for (const a of document.querySelectorAll('a[href="energy.html"]')) a.href = "energy.html?token=" + encodeURIComponent(token);
    document.querySelector('#counters-note a[href^="?"]').href = "?counters=raw&token=" + encodeURIComponent(token);
  }
  const MAX_POINTS = 5000;                        // per series held in the browser
  const RANGES = {                                // window and bucket per range button
    live: { span: 5 * 60e3, every: null },
    "1h": { span: 3600e3, every: null },          // raw (the server buckets if too dense)
    "24h": { span: 86400e3, every: "1m" },
    "7d": { span: 7 * 86400e3, every: "10m" },
    "30d": { span: 30 * 86400e3, every: "30m" },
  };
  const PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7d8c", "#6e7781",
                   "#fb8500", "#2da44e"];
  const KIND_BY_UNIT = { "°C": "temperature", "C": "temperature", "°F": "temperature", "%": "humidity",
                         "W": "power", "kW": "power", "kWh": "energy", "Wh": "energy", "l/min": "water",
                         "L/min": "water", "l": "water", "L": "water", "m³": "water", "s": "usage", "h": "usage",
                         "lx": "light" };

  // Cumulative meters (15,000 kWh and rising) say nothing as a line: their consumption is on
  // the energy page. ?counters=raw charts them here anyway.
  const COUNTER_KINDS = ["energy", "volume", "usage", "counter"];
  const chartCounters = params.get("counters") === "raw";

  let range = params.get("range") in RANGES ? params.get("range") : "1h";
  const sensors = new Map();   // name -> {unit, kind, value, ts, target, card}
  const series = new Map();    // name -> {t: [seconds], v: [numbers]}
  const charts = new Map();    // kind -> {el, plot, names, dirty}
  let lastSeen = null;         // ms of the newest reading received: the gap to fill after a reconnect
  let ws = null, backoff = 500, clientId = null, drawQueued = false;

  const $ = (sel) => document.querySelector(sel);
  const statusEl = $("#status");
  function setStatus(state, text) {
    statusEl.className = "status " + state;
    statusEl.textContent = text;
  }

  function apiFetch(path) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    return fetch(path, { headers, cache: "no-store" }).then((r) => {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }

  function kindOf(s) {
    return s.kind || KIND_BY_UNIT[s.unit] || "other";
  }

  function formatValue(v) {
    if (typeof v === "number") {
      const a = Math.abs(v);
      return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
    }
    if (typeof v === "boolean") return v ? "on" : "off";
    return String(v);
  }

  function ago(ms) {
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 60 ? s + " s ago" : s < 3600 ? Math.round(s / 60) + " min ago" : new Date(ms).toLocaleString();
  }

  // ---- cards and controls ---------------------------------------------------------
  function sensorEntry(name) {
    let s = sensors.get(name);
    if (!s) {
      s = { name, unit: null, kind: null, value: null, ts: 0, target: null, card: null, control: null };
      sensors.set(name, s);
    }
    return s;
  }

  function updateCard(s) {
    if (!s.card) {
      const card = document.createElement("div");
      card.className = "card";
      card.dataset.sensor = s.name;
      card.innerHTML = '<div class="name"></div><div><span class="value"></span><span class="unit"></span></div>' +
                       '<div class="seen"></div>';
      card.querySelector(".name").textContent = s.name;
      card.title = s.name;
      const cards = $("#cards");
      const after = [...cards.children].find((c) => c.dataset.sensor > s.name);
      cards.insertBefore(card, after || null);
      s.card = card;
      $("#empty").hidden = true;
    }
    s.card.querySelector(".value").textContent = s.value === null ? "–" : formatValue(s.value);
    s.card.querySelector(".unit").textContent = s.unit || "";
    s.card.querySelector(".seen").textContent = s.ts ? ago(s.ts) : "";
    s.card.dataset.ts = String(s.ts);
    maybeControl(s);
  }

  // Actuators: a dimmable light gets a slider, a relay or switch a toggle. The command
  // goes to the reading's "target" field if it has one, else to the sensor's name with
  // its last part replaced by "set" (home/led/brightness -> home/led/set), as sensor-sim
  // and most MQTT devices expect.
  function actuatorType(s) {
    const k = (s.kind || "").toLowerCase();
    if (["dimmer", "brightness", "led", "light_level"].includes(k) || /(^|\/)(led|dimmer)(\/|$)/.test(s.name)) return "slider";
    if (["relay", "switch"].includes(k) || /(^|\/)(relay|switch)(\/|$)/.test(s.name)) return "toggle";
    return null;
  }

  function sendCommand(target, value) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify({ target, value }));
    return true;
  }

  function maybeControl(s) {
    const type = actuatorType(s);
    if (!type) return;
    const target = s.target || s.name.replace(/\/[^/]*$/, "") + "/set";
    if (!s.control) {
      const box = document.createElement("div");
      box.className = "control";
      box.dataset.sensor = s.name;
      const label = document.createElement("label");
      label.textContent = s.name;
      box.appendChild(label);
      if (type === "slider") {
        const percent = s.unit === "%";
        const input = document.createElement("input");
        input.type = "range";
        input.min = "0";
        input.max = percent ? "100" : "1";
        input.step = percent ? "1" : "0.01";
        input.setAttribute("aria-label", s.name);
        const out = document.createElement("output");
        let timer = null;
        const send = () => { timer = null; sendCommand(s.target || target, Number(input.value)); };
        input.addEventListener("input", () => {
          out.textContent = input.value;
          box.dataset.touched = String(Date.now());
          if (!timer) timer = setTimeout(send, 100);  // at most ten commands a second while dragging
        });
        input.addEventListener("change", () => { clearTimeout(timer); send(); });
        box.append(input, out);
        s.control = { input, out };
      } else {
        const input = document.createElement("input");
        input.type = "checkbox";
        input.setAttribute("aria-label", s.name);
        input.addEventListener("change", () => {
          box.dataset.touched = String(Date.now());
          const on = input.checked;
          sendCommand(s.target || target, typeof s.value === "string" ? (on ? "on" : "off") : on);
        });
        box.append(input);
        s.control = { input, out: null };
      }
      $("#controls").appendChild(box);
      $("#controls").hidden = false;
    }
    // Follow the device's state unless the user touched the control in the last seconds.
    const box = s.control.input.parentElement;
    if (Date.now() - Number(box.dataset.touched || 0) < 3000 || s.value === null) return;
    if (s.control.input.type === "range" && typeof s.value === "number") {
      s.control.input.value = String(s.value);
      s.control.out.textContent = formatValue(s.value);
    } else if (s.control.input.type === "checkbox") {
      s.control.input.checked = s.value === true || s.value === "on" || s.value === 1;
    }
  }

  // ---- series and charts ------------------------------------------------------------
  function isCounter(s) {
    return COUNTER_KINDS.includes(s.kind) || (!s.kind && ["kWh", "Wh", "MWh"].includes(s.unit));
  }

  function addPoint(name, tsMs, value) {
    const entry = sensors.get(name);
    if (entry && !chartCounters && isCounter(entry)) {
      $("#counters-note").hidden = false;
      return;
    }
    const y = typeof value === "number" ? value : typeof value === "boolean" ? (value ? 1 : 0) :
              value === "on" ? 1 : value === "off" ? 0 : null;
    if (y === null) return;
    let ser = series.get(name);
    if (!ser) series.set(name, (ser = { t: [], v: [] }));
    const t = tsMs / 1000;
    const n = ser.t.length;
    if (n === 0 || t > ser.t[n - 1]) {
      ser.t.push(t);
      ser.v.push(y);
    } else {
      let lo = 0, hi = n;                                 // keep sorted; the same instant replaces
      while (lo < hi) { const mid = (lo + hi) >> 1; if (ser.t[mid] < t) lo = mid + 1; else hi = mid; }
      if (ser.t[lo] === t) ser.v[lo] = y;
      else { ser.t.splice(lo, 0, t); ser.v.splice(lo, 0, y); }
    }
    if (ser.t.length > MAX_POINTS) { ser.t.splice(0, ser.t.length - MAX_POINTS); ser.v.splice(0, ser.v.length - MAX_POINTS); }
    const s = sensors.get(name);
    chartFor(kindOf(s)).dirty = true;
  }

  function chartFor(kind) {
    let c = charts.get(kind);
    if (c) return c;
    const el = document.createElement("div");
    el.className = "chart";
    el.dataset.kind = kind;
    el.innerHTML = "<h2></h2><div class=plot></div>";
    el.querySelector("h2").textContent = kind;
    const list = $("#charts");
    const after = [...list.children].find((x) => x.dataset.kind > kind);
    list.insertBefore(el, after || null);
    c = { el, plot: null, names: [], dirty: true };
    charts.set(kind, c);
    return c;
  }

  // Aligns the chart's series on the union of their timestamps (uPlot's data model).
  function alignedData(names, fromS) {
    const xs = new Set();
    for (const n of names) for (const t of series.get(n)?.t || []) if (t >= fromS) xs.add(t);
    const x = [...xs].sort((a, b) => a - b);
    const index = new Map(x.map((t, i) => [t, i]));
    const data = [x];
    for (const n of names) {
      const col = new Array(x.length).fill(null);
      const ser = series.get(n);
      if (ser) for (let i = 0; i < ser.t.length; i++) { const j = index.get(ser.t[i]); if (j !== undefined) col[j] = ser.v[i]; }
      data.push(col);
    }
    return data;
  }

  function chartWidth(c) {
    return Math.max(260, c.el.clientWidth - 16);
  }

  function draw() {
    drawQueued = false;
    const now = Date.now();
    const fromS = (now - RANGES[range].span) / 1000;
    for (const [kind, c] of charts) {
      if (!c.dirty) continue;
      c.dirty = false;
      const names = [...sensors.values()].filter((s) => kindOf(s) === kind && series.has(s.name)).map((s) => s.name).sort();
      if (names.length === 0) continue;
      const data = alignedData(names, fromS);
      const units = [...new Set(names.map((n) => sensors.get(n).unit).filter(Boolean))];
      if (!c.plot || c.names.join("\n") !== names.join("\n")) {
        if (c.plot) c.plot.destroy();
        c.names = names;
        const opts = {
          width: chartWidth(c),
          height: 220,
          // The x axis always shows the selected window, even with a single point.
          scales: { x: { time: true, range: () => [(Date.now() - RANGES[range].span) / 1000, Date.now() / 1000] } },
          series: [{}].concat(names.map((n, i) => ({
            label: n, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true,
            value: (u, v) => v == null ? "–" : formatValue(v) + (sensors.get(n).unit ? " " + sensors.get(n).unit : ""),
          }))),
          axes: [{}, { label: units.join(", "), size: 60 }],
          legend: { live: true },
        };
        c.plot = new uPlot(opts, data, c.el.querySelector(".plot"));
      } else {
        c.plot.setData(data);
      }
      c.el.querySelector("h2").textContent = kind;
    }
  }

  function scheduleDraw() {
    if (!drawQueued) { drawQueued = true; requestAnimationFrame(draw); }
  }

  // ---- data in ------------------------------------------------------------------------
  function onReading(r) {
    if (typeof r.sensor !== "string") return;
    const ts = Date.parse(r.ts);
    if (!Number.isFinite(ts)) return;
    const s = sensorEntry(r.sensor);
    if (r.unit) s.unit = r.unit;
    if (r.kind) s.kind = r.kind;
    if (typeof r.target === "string") s.target = r.target;
    if (ts >= s.ts) { s.ts = ts; s.value = r.value; }
    if (lastSeen === null || ts > lastSeen) lastSeen = ts;
    updateCard(s);
    addPoint(r.sensor, ts, r.value);
    scheduleDraw();
  }

  function alertEvent(m) {
    window.dispatchEvent(new CustomEvent("sensorpipe:alert", { detail: m }));
  }

  function loadSensors() {
    return apiFetch("api/sensors").then((body) => {
      for (const i of body.sensors) {
        if (i.kind === "alert") {  // the latest state of each alert, for the banner
          alertEvent({ sensor: i.sensor, state: i.value, ts: i.last_seen });
          continue;
        }
        const s = sensorEntry(i.sensor);
        s.unit = i.unit || s.unit;
        s.kind = i.kind || s.kind;
        const ts = i.last_seen ? Date.parse(i.last_seen) : 0;
        if (ts >= s.ts) { s.ts = ts; s.value = i.value; }
        updateCard(s);
      }
    });
  }

  // Loads [from, now] for every sensor and merges it; used on open, on a range change,
  // and after a reconnect (from = the last reading seen, so the gap is filled).
  function loadHistory(fromMs) {
    const r = RANGES[range];
    let q = "api/history?from=" + Math.floor(fromMs);
    // Time-weighted: a plug that reports every second while it switches and every minute
    // while idle would tilt a plain average of its readings towards the switching.
    if (r.every && Date.now() - fromMs > 3600e3) q += "&every=" + r.every + "&agg=twa";
    return apiFetch(q).then((body) => {
      for (const ser of body.series) {
        if (ser.kind === "alert") continue;  // alert events are not drawn as series
        const s = sensorEntry(ser.sensor);
        if (ser.unit) s.unit = s.unit || ser.unit;
        if (ser.kind) s.kind = s.kind || ser.kind;
        for (const p of ser.points) addPoint(ser.sensor, p[0], p[1]);
        const last = ser.points[ser.points.length - 1];
        if (last && !body.every) {  // raw rows: the newest one may be newer than the card
          if (last[0] > (lastSeen || 0)) lastSeen = last[0];
          if (last[0] > s.ts) { s.ts = last[0]; s.value = last[1]; }
        }
        updateCard(s);
      }
      for (const c of charts.values()) c.dirty = true;
      scheduleDraw();
      if (sensors.size === 0) $("#empty").hidden = false;
    });
  }

  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
                location.pathname.replace(/[^/]*$/, "") + "ws" + (token ? "?token=" + encodeURIComponent(token) : "");
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      backoff = 500;
      setStatus("live", "live");
      const from = lastSeen !== null ? lastSeen : Date.now() - RANGES[range].span;
      loadHistory(from).catch((e) => setStatus("reconnecting", "history: " + e.message));
    };
    socket.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      if (m.kind === "alert") alertEvent(m);  // sensor-watch's events: alerts.js shows them
      else if (m.sensor !== undefined) onReading(m);
      else if (m.hello) clientId = m.hello.client;
      else if (m.error) setStatus("live", "live · " + m.error);
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      const wait = Math.min(backoff, 10000) * (0.75 + Math.random() * 0.5);
      backoff = Math.min(backoff * 2, 10000);
      setStatus("reconnecting", "reconnecting in " + Math.ceil(wait / 1000) + " s");
      setTimeout(connect, wait);
    };
  }

  function setRange(name) {
    range = name;
    for (const b of document.querySelectorAll("#ranges button")) b.setAttribute("aria-pressed", String(b.dataset.range === name));
    const u = new URL(location.href);
    u.searchParams.set("range", name);
    history.replaceState(null, "", u);
    for (const ser of series.values()) { ser.t.length = 0; ser.v.length = 0; }
    for (const c of charts.values()) c.dirty = true;
    loadHistory(Date.now() - RANGES[name].span).catch((e) => setStatus("offline", e.message));
  }

  for (const b of document.querySelectorAll("#ranges button")) b.addEventListener("click", () => setRange(b.dataset.range));
  for (const b of document.querySelectorAll("#ranges button")) b.setAttribute("aria-pressed", String(b.dataset.range === range));
  window.addEventListener("resize", () => {
    for (const c of charts.values()) if (c.plot) c.plot.setSize({ width: chartWidth(c), height: 220 });
  });
  setInterval(() => {                            // keep "seen" fresh and the live window moving
    for (const s of sensors.values()) if (s.card) s.card.querySelector(".seen").textContent = s.ts ? ago(s.ts) : "";
    for (const c of charts.values()) c.dirty = true;
    scheduleDraw();
  }, 5000);

  // For tests and the curious: the page's view of the data.
  window.sensorpipe = {
    get clientId() { return clientId; },
    get connected() { return !!ws && ws.readyState === WebSocket.OPEN; },
    points(name) { const s = series.get(name); return s ? s.t.map((t, i) => [Math.round(t * 1000), s.v[i]]) : []; },
    chartValues(kind) { const c = charts.get(kind); return c && c.plot ? c.plot.data : null; },
  };

  loadSensors().catch(() => {}).finally(connect);
})();
