// Active alerts on the dashboard: a banner and a list made from sensor-watch's alert events.
//
// Self-contained: app.js hands every alert event (kind "alert", from the WebSocket and the
// latest of each from /api/sensors) to the "sensorpipe:alert" window event and draws no
// card or chart for it; this file keeps the latest event per alert (its sensor,
// alerts/<rule>/<sensor>) and shows those whose state is firing, stale or flapping. An
// active alert known only from /api/sensors (latest value, no message) gets its message and
// since from that one stored reading (/api/history?fields=1).
"use strict";
(() => {
  const ACTIVE = new Set(["firing", "stale", "flapping"]);
  const alerts = new Map();  // alert sensor -> {state, ts, rule, subject, message}
  const el = document.getElementById("alerts");
  const token = new URLSearchParams(location.search).get("token");

  // The stored alert event at `ts` (ms) with its extra members, or null.
  function fetchEvent(sensor, ts) {
    const q = new URLSearchParams({ sensor, from: new Date(ts).toISOString(), to: new Date(ts + 1).toISOString(), fields: "1" });
    return fetch("api/history?" + q, { headers: token ? { Authorization: "Bearer " + token } : {}, cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => {
        const s = body && body.series.find((x) => x.sensor === sensor);
        const p = s && s.points.find((x) => x[0] === ts);
        return p && p[2] && typeof p[2] === "object" ? p[2] : null;
      });
  }

  // Fills in an alert known from /api/sensors only, unless a newer event replaced it meanwhile.
  function complete(sensor, ts) {
    fetchEvent(sensor, ts).then((extra) => {
      const a = alerts.get(sensor);
      if (!extra || !a || a.ts !== ts) return;
      a.message = extra.message;
      a.since = extra.since;
      a.rule = extra.rule;
      a.subject = extra.subject;
      render();
    }).catch(() => {});  // the name-derived text stays
  }

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
    const a = alerts.get(m.sensor);
    if (!a.message && !a.rule && ACTIVE.has(a.state) && ts > 0) complete(m.sensor, ts);
  });

  // For tests: the alerts shown.
  window.sensorpipeAlerts = { active: () => [...el.querySelectorAll("li")].map((li) => li.dataset.sensor) };
})();
