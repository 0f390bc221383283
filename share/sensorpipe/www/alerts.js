// Active alerts on the dashboard: a banner and a list made from sensor-watch's alert events.
//
// Self-contained: app.js hands every alert event (kind "alert", from the WebSocket and the
// latest of each from /api/sensors) to the "sensorpipe:alert" window event and draws no
// card or chart for it; this file keeps the latest event per alert (its sensor,
// alerts/<rule>/<sensor>) and shows those whose state is firing, stale or flapping.
"use strict";
(() => {
  const ACTIVE = new Set(["firing", "stale", "flapping"]);
  const alerts = new Map();  // alert sensor -> {state, ts, rule, subject, message}
  const el = document.getElementById("alerts");

  function render() {
    const active = [...alerts.entries()].filter(([, a]) => ACTIVE.has(a.state)).sort((x, y) => y[1].ts - x[1].ts);
    el.hidden = active.length === 0;
    el.textContent = "";
    if (!active.length) return;
    const h = document.createElement("h2");
    h.textContent = active.length === 1 ? "1 active alert" : active.length + " active alerts";
    el.append(h);
    const list = document.createElement("ul");
    for (const [sensor, a] of active) {
      const li = document.createElement("li");
      li.dataset.sensor = sensor;
      li.dataset.state = a.state;
      const state = document.createElement("span");
      state.className = "state";
      state.textContent = a.state;
      const text = document.createElement("span");
      text.className = "text";
      // Known from /api/sensors only (before the page opened): rule and sensor from the name.
      const m = /^alerts\/([^/]+)\/(.+)$/.exec(sensor);
      text.textContent = a.message || (a.rule && a.subject ? a.rule + ": " + a.subject : m ? m[1] + ": " + m[2] : sensor);
      const since = document.createElement("time");
      since.textContent = a.since ? "since " + new Date(a.since).toLocaleString() : "";
      li.append(state, text, since);
      list.append(li);
    }
    el.append(list);
  }

  window.addEventListener("sensorpipe:alert", (e) => {
    const m = e.detail;
    if (typeof m.sensor !== "string") return;
    const ts = Date.parse(m.ts) || 0;
    const old = alerts.get(m.sensor);
    if (old && old.ts > ts) return;  // an older event (history after live) changes nothing
    alerts.set(m.sensor, {
      state: String(m.state !== undefined ? m.state : m.value), ts, rule: m.rule, subject: m.subject,
      message: m.message, since: m.since,
    });
    render();
  });

  // For tests: the alerts shown.
  window.sensorpipeAlerts = { active: () => [...el.querySelectorAll("li")].map((li) => li.dataset.sensor) };
})();
