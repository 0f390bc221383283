// sensorpipe energy & water view: per-day consumption from /api/history?agg=increase (counters,
// anchored so the days add up), stacked per appliance with the mains total and an "other" remainder,
// today's and this month's totals, running time per appliance; live readings grow today's bar.
"use strict";
(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get("token");
  const DAYS = 7;                 // bars shown
  const DAY = 86400e3;
  const PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7d8c", "#fb8500", "#2da44e"];
  const OTHER_COLOR = "#8c959f";
  const RESET_DROP = 0.1;         // a drop of more than 10 % of the high-water mark is a reset (as the engine)

  const $ = (sel) => document.querySelector(sel);
  const state = {
    days: [],                     // UTC midnights (ms), oldest first: the 7 bars
    monthStart: 0,
    series: new Map(),            // sensor -> {kind, unit, place, byDay: Map(dayMs -> increase), last, high}
    ready: false,
  };

  function apiFetch(path) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    return fetch(path, { headers, cache: "no-store" }).then((r) => {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }

  // ---- names and units ------------------------------------------------------------
  // "house1/living_room/energy" -> place "living_room"; shown as "Living room".
  function placeOf(sensor) {
    const parts = sensor.split("/");
    return parts.length >= 2 ? parts[parts.length - 2] : sensor;
  }
  function readable(place) {
    const s = place.replace(/[_-]+/g, " ").trim();
    if (s.length <= 2) return s.toUpperCase();  // "tv" -> "TV"
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  function toKWh(v, unit) { return unit === "Wh" ? v / 1000 : unit === "MWh" ? v * 1000 : v; }
  function formatEnergy(kwh) {
    if (kwh < 1) return Math.round(kwh * 1000) + " Wh";
    return (kwh < 10 ? kwh.toFixed(2) : kwh < 100 ? kwh.toFixed(1) : kwh.toFixed(0)) + " kWh";
  }
  function toLitres(v, unit) { return unit === "m³" || unit === "m3" ? v * 1000 : v; }
  function formatWater(l) { return l >= 1000 ? (l / 1000).toFixed(2) + " m³" : Math.round(l) + " L"; }
  function toSeconds(v, unit) { return unit === "h" ? v * 3600 : unit === "min" ? v * 60 : v; }
  // 12000 -> "3 h 20 min"; 45 -> "45 s"; 600 -> "10 min".
  function formatDuration(sec) {
    const s = Math.round(sec);
    if (s < 60) return s + " s";
    const m = Math.round(s / 60);
    if (m < 60) return m + " min";
    const h = Math.floor(m / 60), r = m % 60;
    return r ? h + " h " + r + " min" : h + " h";
  }
  function dayLabel(ms) {
    return new Date(ms).toLocaleDateString(undefined, { weekday: "short", day: "numeric", timeZone: "UTC" });
  }
  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

  // Counters this view adds up: energy, water volume, running time.
  function groupOf(s) {
    if (s.kind === "energy" || ["kWh", "Wh", "MWh"].includes(s.unit)) return "energy";
    if (s.kind === "volume" || ["L", "l", "m³", "m3"].includes(s.unit)) return "water";
    if (s.kind === "usage") return "usage";
    return null;
  }
  function amount(s, v) {
    const g = groupOf(s);
    return g === "energy" ? toKWh(v, s.unit) : g === "water" ? toLitres(v, s.unit) : toSeconds(v, s.unit);
  }

  // ---- data -------------------------------------------------------------------------
  function utcMidnight(ms) { return Math.floor(ms / DAY) * DAY; }

  function load() {
    const now = Date.now();
    const today = utcMidnight(now);
    state.days = [];
    for (let i = DAYS - 1; i >= 0; i--) state.days.push(today - i * DAY);
    const d = new Date(now);
    state.monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const from = Math.min(state.monthStart, state.days[0]);
    // Only the counters are asked for (by name, from /api/sensors): increase over a month of
    // every sensor costs the server minutes, and the other sensors are not on this page.
    return apiFetch("api/sensors").then((list) => {
      const names = list.sensors.filter((i) => groupOf(i)).map((i) => "&sensor=" + encodeURIComponent(i.sensor));
      if (!names.length) return { series: [] };
      return apiFetch("api/history?from=" + from + "&every=1d&agg=increase" + names.join(""));
    }).then((body) => {
      state.series.clear();
      for (const ser of body.series) {
        const s = { sensor: ser.sensor, kind: ser.kind, unit: ser.unit, place: placeOf(ser.sensor), byDay: new Map(),
                    last: null, high: null };
        if (!groupOf(s)) continue;
        for (const [t, v] of ser.points) if (typeof v === "number") s.byDay.set(t, v);
        state.series.set(ser.sensor, s);
      }
      state.ready = true;
      render();
    });
  }

  function dayValue(s, day) { return s.byDay.get(day) || 0; }
  function monthValue(s) {
    let sum = 0;
    for (const [t, v] of s.byDay) if (t >= state.monthStart) sum += v;
    return sum;
  }
  function ofGroup(g) { return [...state.series.values()].filter((s) => groupOf(s) === g); }

  // ---- drawing ------------------------------------------------------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Bars: one column per day, segments stacked bottom-up; each segment carries the API's
  // value (data-value, in the sensor's unit) and a tooltip in readable units.
  function drawBars(container, stacks, format) {
    container.replaceChildren();
    let max = 0;
    for (const day of state.days) {
      let sum = 0;
      for (const st of stacks) sum += st.amount(day);
      max = Math.max(max, sum);
    }
    for (const day of state.days) {
      const col = el("div", "day");
      col.dataset.day = isoDay(day);
      let sum = 0;
      const stack = el("div", "stack");
      for (const st of stacks) {
        const a = st.amount(day);
        sum += a;
        const seg = el("div", "seg");
        seg.dataset.sensor = st.key;
        seg.dataset.value = String(st.raw(day));
        seg.style.background = st.color;
        seg.style.height = max > 0 ? (100 * a / max) + "%" : "0";
        seg.title = st.name + ", " + isoDay(day) + ": " + format(a);
        stack.append(seg);
      }
      col.append(el("div", "total", sum > 0 ? format(sum) : ""), stack, el("div", "date", dayLabel(day)));
      container.append(col);
    }
  }

  function legend(container, stacks) {
    container.replaceChildren();
    for (const st of stacks) {
      const item = el("span");
      const sw = el("span", "sw");
      sw.style.background = st.color;
      item.append(sw, st.name);
      container.append(item);
    }
  }

  function card(label, big, lines) {
    const c = el("div", "ecard");
    c.append(el("div", "label", label), el("div", "big", big));
    for (const l of lines || []) c.append(el("div", "line", l));
    return c;
  }

  function render() {
    const today = state.days[state.days.length - 1];
    const energy = ofGroup("energy");
    const mains = energy.filter((s) => s.place === "mains");
    const appliances = energy.filter((s) => s.place !== "mains");
    const stacks = appliances.map((s, i) => ({
      key: s.sensor, name: readable(s.place), color: PALETTE[i % PALETTE.length],
      raw: (d) => dayValue(s, d), amount: (d) => toKWh(dayValue(s, d), s.unit),
    }));
    // The mains meter sees everything: what the appliances' meters do not explain is "other".
    const mainsKWh = (d) => mains.reduce((a, s) => a + toKWh(dayValue(s, d), s.unit), 0);
    const tracked = (d) => appliances.reduce((a, s) => a + toKWh(dayValue(s, d), s.unit), 0);
    const other = (d) => Math.max(0, mainsKWh(d) - tracked(d));
    if (mains.length) stacks.push({ key: "other", name: "Other / untracked", color: OTHER_COLOR, raw: other, amount: other });
    drawBars($("#energy-bars"), stacks, formatEnergy);
    legend($("#energy-legend"), stacks);

    const water = ofGroup("water");
    drawBars($("#water-bars"), water.map((s, i) => ({
      key: s.sensor, name: readable(s.place), color: PALETTE[(i + 4) % PALETTE.length],
      raw: (d) => dayValue(s, d), amount: (d) => toLitres(dayValue(s, d), s.unit),
    })), formatWater);

    // Totals: the mains meter when there is one, else the sum of the appliances.
    const totalOf = (list, f) => list.reduce((a, s) => a + f(s), 0);
    const base = mains.length ? mains : appliances;
    const totals = $("#totals");
    totals.replaceChildren(
      card("Energy today", formatEnergy(totalOf(base, (s) => toKWh(dayValue(s, today), s.unit)))),
      card("Energy this month", formatEnergy(totalOf(base, (s) => toKWh(monthValue(s), s.unit)))),
      card("Water today", formatWater(totalOf(water, (s) => toLitres(dayValue(s, today), s.unit)))),
      card("Water this month", formatWater(totalOf(water, (s) => toLitres(monthValue(s), s.unit)))));
    totals.children[0].dataset.total = "energy-today";
    totals.children[1].dataset.total = "energy-month";
    totals.children[2].dataset.total = "water-today";
    totals.children[3].dataset.total = "water-month";

    // One card per place: its energy today and this month, and how long it ran today.
    const places = new Map();
    for (const s of [...energy, ...ofGroup("usage")]) {
      if (!places.has(s.place)) places.set(s.place, {});
      places.get(s.place)[groupOf(s)] = s;
    }
    const pl = $("#places");
    pl.replaceChildren();
    for (const [place, p] of [...places].sort((a, b) => a[0].localeCompare(b[0]))) {
      const lines = [];
      if (p.energy) lines.push("this month " + formatEnergy(toKWh(monthValue(p.energy), p.energy.unit)));
      if (p.usage) lines.push("ran " + formatDuration(toSeconds(dayValue(p.usage, today), p.usage.unit)) + " today");
      const c = card(readable(place), p.energy ? formatEnergy(toKWh(dayValue(p.energy, today), p.energy.unit)) : "–", lines);
      c.dataset.place = place;
      pl.append(c);
    }
    $("#empty").hidden = state.series.size > 0;
  }

  // ---- live ---------------------------------------------------------------------------
  // A live reading of a counter adds its step to today's bucket by the engine's rule: a rise
  // counts; a drop of more than RESET_DROP below the high-water mark is a reset (the new value
  // counts from 0); a smaller dip counts 0 and keeps the mark. The first reading is the baseline.
  let drawQueued = false;
  function onReading(r) {
    const s = state.series.get(r.sensor);
    if (!s || typeof r.value !== "number") return;
    const ts = r.ts ? Date.parse(r.ts) : Date.now();
    const day = utcMidnight(ts);
    if (day > state.days[state.days.length - 1]) { load(); return; }  // a new day: re-anchor the bars
    let step = 0;
    if (s.high !== null) {
      if (r.value >= s.high) step = r.value - s.high;
      else if (r.value < s.high * (1 - RESET_DROP)) step = r.value;
    }
    if (s.high === null || r.value >= s.high || r.value < s.high * (1 - RESET_DROP)) s.high = r.value;
    if (step > 0) {
      s.byDay.set(day, Math.round((dayValue(s, day) + step) * 1e6) / 1e6);
      if (!drawQueued) { drawQueued = true; requestAnimationFrame(() => { drawQueued = false; render(); }); }
    }
  }

  let backoff = 500;
  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
                location.pathname.replace(/[^/]*$/, "") + "ws" + (token ? "?token=" + encodeURIComponent(token) : "");
    const socket = new WebSocket(url);
    const status = $("#status");
    socket.onopen = () => { backoff = 500; status.className = "status live"; status.textContent = "live"; };
    socket.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      if (m.sensor !== undefined && state.ready) onReading(m);
    };
    socket.onclose = () => {
      status.className = "status reconnecting";
      status.textContent = "reconnecting";
      // Readings missed while away: take the days again from the server, then go on live.
      for (const s of state.series.values()) s.high = null;
      setTimeout(() => { load().catch(() => {}); connect(); }, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  if (token) $("#to-live").href = "./?token=" + encodeURIComponent(token);
  window.energy = { state, formatDuration, formatEnergy };  // for tests and the console
  load().then(connect, (e) => {
    const status = $("#status");
    status.className = "status offline";
    status.textContent = e.message;
  });
})();
