// sensorpipe energy & water view: consumption per hour (24 h) or per local day (7 d, 30 d) from
// /api/history?agg=increase (counters, anchored so the buckets add up) in the browser's time zone,
// stacked per appliance with the mains total and an "other" remainder; water and running time per
// bucket; power as time-weighted averages (agg=twa); today's and this month's totals, with costs
// when ws-serve has a tariff (/api/config); live readings grow the current hour's and day's bars
// and move the power chart's current bucket.
"use strict";
(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get("token");
  const HOUR = 3600e3;
  const DAYS_KEPT = 30;           // daily buckets loaded (the longest range), plus the month so far
  // Per range: how many bars, hours or local days, and the power chart's bucket (about 100-170
  // points: enough to see a wash cycle at 24 h, few enough to stay fast at 30 d).
  const RANGES = {
    "24h": { bars: 24, hourly: true, powerEvery: "15m", per: "per hour, last 24 hours" },
    "7d": { bars: 7, hourly: false, powerEvery: "1h", per: "per day, last 7 days" },
    "30d": { bars: 30, hourly: false, powerEvery: "6h", per: "per day, last 30 days" },
  };
  // The browser's zone: the server cuts days at its local midnight (tz of /api/history), so a
  // day bar is the user's day, not UTC's.
  const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7d8c", "#fb8500", "#2da44e"];
  const OTHER_COLOR = "#8c959f";
  const RESET_DROP = 0.1;         // a drop of more than 10 % of the high-water mark is a reset (as the engine)
  let range = params.get("range") in RANGES ? params.get("range") : "7d";

  const $ = (sel) => document.querySelector(sel);
  const state = {
    zone: ZONE,
    hours: [],                    // the 24 hour buckets (ms), oldest first
    days: [],                     // the last DAYS_KEPT local midnights (ms), oldest first
    monthStart: 0,                // this month's first local midnight
    series: new Map(),            // counter -> {sensor, kind, unit, place, byDay, byHour: Map(start -> increase),
                                  //             partial: {byDay, byHour: Set(starts without a baseline)}, high}
    powerSensors: [],             // names of the rate sensors (kind power, W/kW)
    power: null,                  // {from, every, series} of the power chart
    latestPower: new Map(),       // power sensor -> W, for the place cards
    config: { currency: "EUR", tariffs: [] },
    ready: false,
  };

  function apiFetch(path) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    return fetch(path, { headers, cache: "no-store" }).then((r) => {
      if (!r.ok) throw new Error(path.split("?")[0] + ": HTTP " + r.status);
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
    if (place === "mains") return "Whole house (mains)";
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
  function toWatts(v, unit) { return unit === "kW" ? v * 1000 : v; }
  // 12000 -> "3 h 20 min"; 45 -> "45 s"; 600 -> "10 min".
  function formatDuration(sec) {
    const s = Math.round(sec);
    if (s < 60) return s + " s";
    const m = Math.round(s / 60);
    if (m < 60) return m + " min";
    const h = Math.floor(m / 60), r = m % 60;
    return r ? h + " h " + r + " min" : h + " h";
  }
  function formatPower(w) { return w >= 1000 ? (w / 1000).toFixed(2) + " kW" : Math.round(w) + " W"; }
  // Amounts in the tariff's currency, as the reader's locale writes them (€1.23, 1,23 €, CHF 1.23).
  function money(x) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: state.config.currency }).format(x);
    } catch {
      return x.toFixed(2) + " " + state.config.currency;
    }
  }
  // Price per kWh ("energy") or per litre ("water"), or null without a tariff.
  function price(quantity) {
    const t = (state.config.tariffs || []).find((x) => x.quantity === quantity);
    return t ? t.per_base : null;
  }
  function withCost(text, quantity, baseAmount) {
    const p = price(quantity);
    return p === null ? text : text + " · " + money(baseAmount * p);
  }

  const pad = (n) => String(n).padStart(2, "0");
  function localDay(ms) {
    const d = new Date(ms);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  // Local midnight of the day of `ms`, `add` days on. The Date constructor normalises the day
  // and, like the server, moves a midnight that a DST change skips to the first time after it.
  function localMidnight(ms, add = 0) {
    const d = new Date(ms);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + add).getTime();
  }
  function bucketLabel(ms, hourly) {
    // "8 AM" / "08"; with the minutes only where hours do not start on the hour (a +5:30 zone).
    const d = new Date(ms);
    return hourly ? d.toLocaleTimeString(undefined, d.getMinutes() ? { hour: "numeric", minute: "2-digit" } : { hour: "numeric" })
                  : new Date(ms).toLocaleDateString(undefined, { weekday: "short", day: "numeric" });
  }
  function bucketName(ms, hourly) {
    return hourly ? localDay(ms) + " " + bucketLabel(ms, true) : localDay(ms);
  }

  // Counters this view adds up: energy, water volume, running time.
  function groupOf(s) {
    if (s.kind === "energy" || ["kWh", "Wh", "MWh"].includes(s.unit)) return "energy";
    if (s.kind === "volume" || ["L", "l", "m³", "m3"].includes(s.unit)) return "water";
    if (s.kind === "usage") return "usage";
    return null;
  }
  // One colour per place on every chart (the fridge has the same colour in the energy bars,
  // the running times and the power chart): places in name order, the mains grey.
  function placeColor(place) {
    if (place === "mains") return OTHER_COLOR;
    const places = [...new Set([...[...state.series.values()].map((s) => s.place), ...state.powerSensors.map(placeOf)])]
      .filter((p) => p !== "mains").sort();
    return PALETTE[Math.max(0, places.indexOf(place)) % PALETTE.length];
  }

  function isPower(s) { return s.kind === "power" || s.unit === "W" || s.unit === "kW"; }
  function amount(s, v) {
    const g = groupOf(s);
    return g === "energy" ? toKWh(v, s.unit) : g === "water" ? toLitres(v, s.unit) : toSeconds(v, s.unit);
  }

  // ---- data -------------------------------------------------------------------------
  // The buckets as of now: the last 24 hours (whole UTC hours, as the engine cuts them: in a zone
  // with a half-hour offset they start at :30 local) and the last DAYS_KEPT local days. Maps keep
  // their values, so moving on keeps what live readings added.
  function anchor(now) {
    const hour = Math.floor(now / HOUR) * HOUR;
    state.hours = [];
    for (let i = 23; i >= 0; i--) state.hours.push(hour - i * HOUR);
    state.days = [];
    for (let i = DAYS_KEPT - 1; i >= 0; i--) state.days.push(localMidnight(now, -i));
    const d = new Date(now);
    state.monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
  }

  function load() {
    anchor(Date.now());
    const dayFrom = Math.min(state.monthStart, state.days[0]);
    let counters = [];
    return Promise.all([apiFetch("api/config"), apiFetch("api/sensors")]).then(([config, list]) => {
      state.config = config;
      // Only counters and power sensors are asked for (by name): the rest is not on this page.
      counters = list.sensors.filter((i) => groupOf(i));
      state.powerSensors = list.sensors.filter((i) => !groupOf(i) && isPower(i)).map((i) => i.sensor);
      for (const i of list.sensors) {
        if (state.powerSensors.includes(i.sensor) && typeof i.value === "number") {
          state.latestPower.set(i.sensor, toWatts(i.value, i.unit));
        }
      }
      if (!counters.length) return [{ series: [] }, { series: [] }];
      const q = "&agg=increase&tz=" + encodeURIComponent(ZONE) +
                counters.map((i) => "&sensor=" + encodeURIComponent(i.sensor)).join("");
      return Promise.all([apiFetch("api/history?from=" + dayFrom + "&every=1d" + q),
                          apiFetch("api/history?from=" + state.hours[0] + "&every=1h" + q)]);
    }).then(([daily, hourly]) => {
      state.series.clear();
      for (const info of counters) {
        // The latest stored value is the live baseline: the first live reading's rise counts.
        state.series.set(info.sensor, {
          sensor: info.sensor, kind: info.kind, unit: info.unit, place: placeOf(info.sensor),
          byDay: new Map(), byHour: new Map(), partial: { byDay: new Set(), byHour: new Set() },
          high: typeof info.value === "number" ? info.value : null,
        });
      }
      for (const [body, key] of [[daily, "byDay"], [hourly, "byHour"]]) {
        for (const ser of body.series) {
          const s = state.series.get(ser.sensor);
          if (!s) continue;
          if (ser.unit) s.unit = ser.unit;
          for (const [t, v] of ser.points) if (typeof v === "number") s[key].set(t, v);
          for (const t of ser.partial || []) s.partial[key].add(t);
        }
      }
      state.ready = true;
      render();
      return loadPower();
    });
  }

  // Power as time-weighted averages per bucket (an average of readings would over-weight the
  // moments a plug reports often, i.e. while it changes).
  function loadPower() {
    const r = RANGES[range];
    const from = r.hourly ? state.hours[0] : state.days[state.days.length - r.bars];
    if (!state.powerSensors.length) {
      state.power = null;
      drawPower();
      return Promise.resolve();
    }
    const names = state.powerSensors.map((n) => "&sensor=" + encodeURIComponent(n)).join("");
    const want = range;
    return apiFetch("api/history?from=" + from + "&every=" + r.powerEvery + "&agg=twa" + names).then((body) => {
      if (want !== range) return;  // the user moved on meanwhile
      state.power = { from, every: r.powerEvery, everyMs: body.every_ms, series: body.series };
      drawPower();
    });
  }

  // A live power reading moves its meter's current bucket. The server's time weighting is not
  // redone here: that bucket's twa is asked for again, at most once per POWER_REFRESH ms per
  // meter (later readings in the window are in the same answer). From a database the answer
  // has the reading once db-store has committed it; until then the bucket keeps its value.
  const POWER_REFRESH = 3000;
  const powerDue = new Set();
  function refreshPower(sensor) {
    if (powerDue.has(sensor) || !state.power) return;
    powerDue.add(sensor);
    setTimeout(() => {
      powerDue.delete(sensor);
      const p = state.power;
      const s = p && p.series.find((x) => x.sensor === sensor);
      if (!s || !s.points.length || !p.everyMs) return loadPower().catch(() => {});  // no bucket to start from
      const start = s.points[s.points.length - 1][0];  // an existing bucket keeps the alignment
      apiFetch("api/history?sensor=" + encodeURIComponent(sensor) + "&from=" + start + "&every=" + p.every + "&agg=twa")
        .then((body) => {
          const fresh = body.series.find((x) => x.sensor === sensor);
          if (state.power !== p || !fresh) return;  // the range changed meanwhile
          s.points = s.points.filter((pt) => pt[0] < start).concat(fresh.points);
          drawPower();
        }).catch(() => {});
    }, POWER_REFRESH);
  }

  function bucketsOf(r) { return r.hourly ? state.hours : state.days.slice(state.days.length - r.bars); }
  function valueIn(s, start, hourly) { return (hourly ? s.byHour : s.byDay).get(start) || 0; }
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

  // Bars: one column per bucket, segments stacked bottom-up; each segment carries the API's
  // value (data-value, in the sensor's unit) and a tooltip in readable units (and cost).
  // Totals are written above the bars when there is room (about 64 px a bar), else only in
  // the column's tooltip.
  function drawBars(container, stacks, format, r, describeTotal) {
    container.replaceChildren();
    const buckets = bucketsOf(r);
    const labelEvery = r.bars > 7 ? (r.hourly ? 3 : 5) : 1;
    const roomy = container.clientWidth / buckets.length >= 64;
    let max = 0;
    for (const b of buckets) max = Math.max(max, stacks.reduce((a, st) => a + st.amount(b), 0));
    buckets.forEach((b, i) => {
      const col = el("div", "bar");
      col.dataset.start = String(b);
      if (!r.hourly) col.dataset.day = localDay(b);
      let sum = 0;
      const stack = el("div", "stack");
      for (const st of stacks) {
        const a = st.amount(b);
        sum += a;
        const seg = el("div", "seg");
        seg.dataset.sensor = st.key;
        seg.dataset.value = String(st.raw(b));
        seg.style.background = st.color;
        seg.style.height = max > 0 ? (100 * a / max) + "%" : "0";
        seg.title = st.name + ", " + bucketName(b, r.hourly) + ": " + (st.describe ? st.describe(a) : format(a));
        // The meter's first reading falls in this bucket: what it counted before is unknown.
        if (st.partial && st.partial(b)) {
          seg.classList.add("partial");
          seg.title += " (partial: no earlier reading)";
        }
        stack.append(seg);
      }
      const total = el("div", "total", sum > 0 && roomy ? format(sum) : "");
      col.title = bucketName(b, r.hourly) + ": " + (describeTotal || format)(sum);
      const showLabel = (buckets.length - 1 - i) % labelEvery === 0;
      col.append(total, stack, el("div", "date", showLabel ? bucketLabel(b, r.hourly) : ""));
      container.append(col);
    });
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
    for (const l of lines || []) {
      const line = typeof l === "string" ? el("div", "line", l) : l;
      c.append(line);
    }
    return c;
  }
  function costLine(quantity, baseAmount) {
    const p = price(quantity);
    if (p === null) return [];
    const line = el("div", "line cost", money(baseAmount * p));
    line.dataset.amount = String(baseAmount * p);
    return [line];
  }

  function render() {
    if (!state.ready) return;
    const r = RANGES[range];
    for (const e of document.querySelectorAll("h2 .per")) e.textContent = "(" + r.per + ", " + state.zone + ")";
    const today = state.days[state.days.length - 1];
    const energy = ofGroup("energy");
    const mains = energy.filter((s) => s.place === "mains");
    const appliances = energy.filter((s) => s.place !== "mains");
    const stacks = appliances.map((s) => ({
      key: s.sensor, name: readable(s.place), color: placeColor(s.place),
      raw: (b) => valueIn(s, b, r.hourly), amount: (b) => toKWh(valueIn(s, b, r.hourly), s.unit),
      partial: (b) => s.partial[r.hourly ? "byHour" : "byDay"].has(b),
      describe: (kwh) => withCost(formatEnergy(kwh), "energy", kwh),
    }));
    // The mains meter sees everything: what the appliances' meters do not explain is "other"
    // (never negative: meters that over-read a little must not make a negative bar).
    const mainsKWh = (b) => mains.reduce((a, s) => a + toKWh(valueIn(s, b, r.hourly), s.unit), 0);
    const tracked = (b) => appliances.reduce((a, s) => a + toKWh(valueIn(s, b, r.hourly), s.unit), 0);
    const other = (b) => Math.max(0, mainsKWh(b) - tracked(b));
    if (mains.length) {
      stacks.push({ key: "other", name: "Other / untracked", color: OTHER_COLOR, raw: other, amount: other,
                    describe: (kwh) => withCost(formatEnergy(kwh), "energy", kwh) });
    }
    drawBars($("#energy-bars"), stacks, formatEnergy, r, (kwh) => withCost(formatEnergy(kwh), "energy", kwh));
    legend($("#energy-legend"), stacks);

    const water = ofGroup("water");
    drawBars($("#water-bars"), water.map((s) => ({
      key: s.sensor, name: readable(s.place), color: placeColor(s.place),
      raw: (b) => valueIn(s, b, r.hourly), amount: (b) => toLitres(valueIn(s, b, r.hourly), s.unit),
      partial: (b) => s.partial[r.hourly ? "byHour" : "byDay"].has(b),
      describe: (l) => withCost(formatWater(l), "water", l),
    })), formatWater, r, (l) => withCost(formatWater(l), "water", l));

    const usage = ofGroup("usage");
    const usageStacks = usage.map((s) => ({
      key: s.sensor, name: readable(s.place), color: placeColor(s.place),
      raw: (b) => valueIn(s, b, r.hourly), amount: (b) => toSeconds(valueIn(s, b, r.hourly), s.unit),
      partial: (b) => s.partial[r.hourly ? "byHour" : "byDay"].has(b),
    }));
    drawBars($("#usage-bars"), usageStacks, formatDuration, r);
    legend($("#usage-legend"), usageStacks);

    // Totals: the mains meter when there is one, else the sum of the appliances.
    const totalOf = (list, f) => list.reduce((a, s) => a + f(s), 0);
    const base = mains.length ? mains : appliances;
    const eToday = totalOf(base, (s) => toKWh(valueIn(s, today, false), s.unit));
    const eMonth = totalOf(base, (s) => toKWh(monthValue(s), s.unit));
    const wToday = totalOf(water, (s) => toLitres(valueIn(s, today, false), s.unit));
    const wMonth = totalOf(water, (s) => toLitres(monthValue(s), s.unit));
    const totals = $("#totals");
    totals.replaceChildren(
      card("Energy today", formatEnergy(eToday), costLine("energy", eToday)),
      card("Energy this month", formatEnergy(eMonth), costLine("energy", eMonth)),
      card("Water today", formatWater(wToday), costLine("water", wToday)),
      card("Water this month", formatWater(wMonth), costLine("water", wMonth)));
    ["energy-today", "energy-month", "water-today", "water-month"].forEach((k, i) => { totals.children[i].dataset.total = k; });

    // One card per place: its energy today, this month (and cost), how long it ran today, its power now.
    const places = new Map();
    const at = (p) => { if (!places.has(p)) places.set(p, {}); return places.get(p); };
    for (const s of [...energy, ...usage]) at(s.place)[groupOf(s)] = s;
    for (const n of state.powerSensors) if (places.has(placeOf(n))) at(placeOf(n)).power = n;
    const pl = $("#places");
    pl.replaceChildren();
    const order = [...places].sort((a, b) => (a[0] === "mains") - (b[0] === "mains") || readable(a[0]).localeCompare(readable(b[0])));
    for (const [place, p] of order) {
      const lines = [];
      if (p.energy) {
        const kwh = toKWh(monthValue(p.energy), p.energy.unit);
        lines.push(withCost("this month " + formatEnergy(kwh), "energy", kwh));
      }
      if (p.usage) lines.push("ran " + formatDuration(toSeconds(valueIn(p.usage, today, false), p.usage.unit)) + " today");
      if (p.power && state.latestPower.has(p.power)) lines.push("now " + formatPower(state.latestPower.get(p.power)));
      const c = card(readable(place), p.energy ? formatEnergy(toKWh(valueIn(p.energy, today, false), p.energy.unit)) : "–", lines);
      c.dataset.place = place;
      pl.append(c);
    }
    $("#empty").hidden = state.series.size > 0;
  }

  // The power chart: one line per meter of time-weighted average watts per bucket (uPlot).
  let powerPlot = null;
  function powerWidth() { return Math.max(240, $("#power-chart").clientWidth - 16); }
  function drawPower() {
    const box = $("#power-chart");
    if (powerPlot) { powerPlot.destroy(); powerPlot = null; }
    box.replaceChildren();
    const p = state.power;
    $(".power-note").textContent = p ? "(time-weighted average per " + p.every + ")" : "";
    if (!p || !p.series.length || typeof uPlot === "undefined") return;
    const series = p.series.slice().sort((a, b) => (placeOf(a.sensor) === "mains") - (placeOf(b.sensor) === "mains") ||
                                                    a.sensor.localeCompare(b.sensor));
    const xs = [...new Set(series.flatMap((s) => s.points.map((pt) => pt[0])))].sort((a, b) => a - b);
    const index = new Map(xs.map((t, i) => [t, i]));
    const data = [xs.map((t) => t / 1000)];
    for (const s of series) {
      const col = new Array(xs.length).fill(null);
      for (const [t, v] of s.points) if (typeof v === "number") col[index.get(t)] = toWatts(v, s.unit);
      data.push(col);
    }
    box.dataset.series = series.map((s) => s.sensor).join(" ");
    powerPlot = new uPlot({
      width: powerWidth(), height: 220,
      series: [{}].concat(series.map((s) => ({
        label: readable(placeOf(s.sensor)),
        stroke: placeColor(placeOf(s.sensor)),
        dash: placeOf(s.sensor) === "mains" ? [6, 4] : undefined,
        width: 1.5, spanGaps: false, paths: uPlot.paths.stepped({ align: 1 }),
        value: (u, v) => (v == null ? "–" : formatPower(v)),
      }))),
      axes: [{}, { label: "W", size: 60 }],
      legend: { live: true },
    }, data, box);
    window.energy.powerData = data;
  }

  // ---- live ---------------------------------------------------------------------------
  // A live reading of a counter adds its step to its hour's and its day's bucket by the engine's
  // rule: a rise counts; a drop of more than RESET_DROP below the high-water mark is a reset (the
  // new value counts from 0); a smaller dip counts 0 and keeps the mark. The baseline is the
  // latest stored value at load time.
  let drawQueued = false;
  function queueRender() {
    if (!drawQueued) { drawQueued = true; requestAnimationFrame(() => { drawQueued = false; render(); }); }
  }
  function onReading(r) {
    if (typeof r.value !== "number") return;
    const ts = r.ts ? Date.parse(r.ts) : Date.now();
    if (!Number.isFinite(ts)) return;
    if (state.powerSensors.includes(r.sensor)) {
      state.latestPower.set(r.sensor, toWatts(r.value, r.unit));
      refreshPower(r.sensor);
      queueRender();
      return;
    }
    const s = state.series.get(r.sensor);
    if (!s) return;
    if (ts >= state.hours[state.hours.length - 1] + HOUR) anchor(ts);  // a new hour (or day): move on
    let step = 0;
    if (s.high !== null) {
      if (r.value >= s.high) step = r.value - s.high;
      else if (r.value < s.high * (1 - RESET_DROP)) step = r.value;
    }
    if (s.high === null || r.value >= s.high || r.value < s.high * (1 - RESET_DROP)) s.high = r.value;
    if (step > 0) {
      const add = (map, key) => map.set(key, Math.round(((map.get(key) || 0) + step) * 1e9) / 1e9);
      add(s.byHour, Math.floor(ts / HOUR) * HOUR);
      add(s.byDay, localMidnight(ts));
      queueRender();
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
      // Readings missed while away: take the buckets again from the server, then go on live.
      setTimeout(() => { load().catch(() => {}); connect(); }, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  function setRange(name) {
    range = name;
    for (const b of document.querySelectorAll("#ranges button")) b.setAttribute("aria-pressed", String(b.dataset.range === name));
    const u = new URL(location.href);
    u.searchParams.set("range", name);
    history.replaceState(null, "", u);
    render();
    loadPower().catch((e) => { $("#status").textContent = e.message; });
  }
  for (const b of document.querySelectorAll("#ranges button")) {
    b.addEventListener("click", () => setRange(b.dataset.range));
    b.setAttribute("aria-pressed", String(b.dataset.range === range));
  }
  window.addEventListener("resize", () => {
    if (powerPlot) powerPlot.setSize({ width: powerWidth(), height: 220 });
    queueRender();  // totals above the bars come and go with the room
  });

  if (token) $("#to-live").href = "./?token=" + encodeURIComponent(token);
  window.energy = { state, formatDuration, formatEnergy, localMidnight, range: () => range };  // for tests and the console
  load().then(connect, (e) => {
    const status = $("#status");
    status.className = "status offline";
    status.textContent = e.message;
  });
})();
