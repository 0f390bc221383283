// Browser test of the energy & water view (energy.html): real ws-serve -d on a database with a
// tariff, real headless Chromium with its clock in ZONE. Run by browser_energy.sh, which stores a
// simulated month and writes history-query's answers to DIR (daily.jsonl: increase per local day
// in ZONE; hourly.jsonl: increase per hour; power-week.jsonl: hourly twa of the power meters over
// the 7-day view). Prints "ok: ..." per step, exits non-zero on the first failure. Waits are
// generous (WAIT); passing steps return at once.
//
//   node browser_energy.js WS_SERVE_BINARY DATABASE ZONE DIR TODAY_EPOCH MONTH_EPOCH SCREENSHOT_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn, execFileSync } = require("child_process");
const { chromium } = require("playwright-core");

const [bin, db, zone, dir, todayArg, monthArg, shotDir] = process.argv.slice(2);
const today = Number(todayArg) * 1000, monthStart = Number(monthArg) * 1000;
const DAY = 86400e3, HOUR = 3600e3;
const KWH_PRICE = 0.3, LITRE_PRICE = 2.5 / 1000;  // --tariff 0.30/kWh --tariff 2.5/m3
let server = null;
function fail(msg) {
  console.error("FAIL: " + msg);
  if (server && server.exitCode === null) server.kill("SIGTERM");
  process.exit(1);
}
function ok(msg) { console.log("ok: " + msg); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WAIT = 90000;
async function waitFor(what, fn) {
  const end = Date.now() + WAIT;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) fail(what + " (not within " + WAIT + " ms)");
    await sleep(25);
  }
}

// history-query's rows: sensor -> bucket start (ms) -> the aggregate.
function rows(file, agg) {
  const m = new Map();
  for (const line of fs.readFileSync(path.join(dir, file), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (!m.has(r.sensor)) m.set(r.sensor, new Map());
    m.get(r.sensor).set(Date.parse(r.ts), r[agg]);
  }
  return m;
}
const daily = rows("daily.jsonl", "increase"), hourly = rows("hourly.jsonl", "increase");
const powerWeek = rows("power-week.jsonl", "twa");
const get = (m, sensor, t) => (m.get(sensor) && m.get(sensor).get(t)) || 0;
const monthSum = (sensor) => [...(daily.get(sensor) || new Map())].filter(([t]) => t >= monthStart).reduce((a, [, v]) => a + v, 0);
const MAINS = "house1/mains/energy";
const appliances = [...daily.keys()].filter((s) => /\/energy$/.test(s) && s !== MAINS);
const usage = [...daily.keys()].filter((s) => /\/usage$/.test(s));
const water = [...daily.keys()].filter((s) => /\/water\/total$/.test(s));
if (appliances.length < 3 || usage.length < 3 || water.length < 1) fail("too few meters in the data");

// "1.23 kWh" / "530 Wh" -> kWh; "3 h 20 min" / "45 s" -> seconds.
function kwhOf(text) {
  const m = /^([\d.]+) (k?Wh)$/.exec(text.trim());
  if (!m) fail("not an energy: " + JSON.stringify(text));
  return m[2] === "Wh" ? Number(m[1]) / 1000 : Number(m[1]);
}
function secondsOf(text) {
  const m = /^(?:(\d+) h)?(?: ?(\d+) min)?(?:(\d+) s)?$/.exec(text.trim());
  if (!m || text.trim() === "") fail("not a readable duration: " + JSON.stringify(text));
  return (Number(m[1] || 0) * 3600) + (Number(m[2] || 0) * 60) + Number(m[3] || 0);
}
const close = (a, b, tol) => Math.abs(a - b) <= tol;

(async () => {
  server = spawn(bin, ["--listen", "127.0.0.1:0", "-d", db, "--exit-on-eof", "--tariff", "0.30/kWh", "--tariff", "2.5/m3",
                       "--currency", "EUR"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  server.stderr.on("data", (d) => { stderr += d; });
  server.stdout.resume();
  await waitFor("ws-serve serving", () => /serving http:\/\/127\.0\.0\.1:(\d+)\//.test(stderr) || server.exitCode !== null);
  if (server.exitCode !== null) fail("ws-serve exited: " + stderr);
  const origin = "http://127.0.0.1:" + /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)[1];

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: zone, locale: "en-US" });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push("page error: " + e.message));

  // Reads a bar chart: [{start, day, segs: {sensor: value}, title}] per column.
  const bars = (id) => page.$$eval(`#${id} .bar`, (cols) => cols.map((c) => ({
    start: Number(c.dataset.start), day: c.dataset.day, title: c.title,
    segs: Object.fromEntries([...c.querySelectorAll(".seg")].map((s) => [s.dataset.sensor, Number(s.dataset.value)])),
    tips: Object.fromEntries([...c.querySelectorAll(".seg")].map((s) => [s.dataset.sensor, s.title])),
  })));
  const waitBars = (n) => waitFor(`${n} bars drawn`, () => page.evaluate((n) =>
    ["energy-bars", "water-bars", "usage-bars"].every((id) => document.querySelectorAll(`#${id} .bar`).length === n), n));
  // Every column of the three bar charts equals history-query's bucket: the same starts, the
  // same values, "other" = mains - appliances (never negative).
  async function checkBars(label, starts, expected, skip) {
    let checked = 0, nonzero = 0;
    for (const [id, sensors] of [["energy-bars", appliances], ["water-bars", water], ["usage-bars", usage]]) {
      const cols = await bars(id);
      const got = cols.map((c) => c.start);
      if (JSON.stringify(got) !== JSON.stringify(starts)) {
        fail(`${label} ${id}: bucket starts ${got.map((t) => new Date(t).toISOString())}, expected ${starts.map((t) => new Date(t).toISOString())}`);
      }
      for (const c of cols) {
        for (const s of sensors) {
          if (skip && skip(s, c.start)) continue;
          if (!(s in c.segs)) fail(`${label}: no segment for ${s} at ${new Date(c.start).toISOString()}`);
          if (c.segs[s] !== get(expected, s, c.start)) {
            fail(`${label}: ${s} at ${new Date(c.start).toISOString()}: bar ${c.segs[s]}, history-query ${get(expected, s, c.start)}`);
          }
          checked++;
          if (c.segs[s] > 0) nonzero++;
        }
        if (id === "energy-bars" && !skip) {
          const other = Math.max(0, get(expected, MAINS, c.start) - appliances.reduce((a, s) => a + get(expected, s, c.start), 0));
          if (!close(c.segs.other, other, 1e-6)) fail(`${label}: other at ${new Date(c.start).toISOString()}: ${c.segs.other}, expected ${other}`);
        }
      }
    }
    if (nonzero < starts.length) fail(`${label}: too few non-zero bars to mean anything: ${nonzero}`);
    return checked;
  }

  // 1. The default view: 7 local days in the browser's zone, equal to history-query --tz.
  await page.goto(origin + "/energy.html");
  await waitBars(7);
  const pageZone = await page.evaluate(() => window.energy.state.zone);
  if (pageZone !== zone) fail(`the page's zone is ${pageZone}, not the browser's ${zone}`);
  const week = [];
  for (let i = 6; i >= 0; i--) week.push(today - i * DAY);
  if (![...daily.get(MAINS).keys()].includes(week[0])) fail("history-query has no bucket at the page's first local day");
  let n = await checkBars("7 d", week, daily);
  const partial = await page.$$eval("#energy-bars .seg.partial", (els) => els.map((e) => [e.dataset.sensor, e.closest(".bar").dataset.start]));
  if (JSON.stringify(partial) !== JSON.stringify([["house1/kettle/energy", String(today)]])) {
    fail("partial segments " + JSON.stringify(partial) + ", expected the kettle's first day only");
  }
  const days = await page.$$eval("#energy-bars .bar", (cols) => cols.map((c) => c.dataset.day));
  const localDate = (t) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date(t));
  if (JSON.stringify(days) !== JSON.stringify(week.map(localDate))) fail("day labels " + days + " are not the local dates");
  ok(`7 d: ${n} bars (energy, water, running time) equal history-query --tz ${zone} --every 1d --agg increase; ` +
     `days start at ${new Date(week[0]).toISOString().slice(11, 16)} UTC; "other" = mains - appliances; ` +
     "a new meter's first day is drawn as partial");

  // 2. Cards: today's and this month's totals from the mains meter, with their cost; running times.
  const cardOf = (key) => page.$eval(`[data-total="${key}"]`, (e) => ({
    big: e.querySelector(".big").textContent, cost: e.querySelector(".cost") && e.querySelector(".cost").textContent,
    amount: e.querySelector(".cost") && Number(e.querySelector(".cost").dataset.amount) }));
  const eToday = await cardOf("energy-today"), eMonth = await cardOf("energy-month");
  const mToday = get(daily, MAINS, today), mMonth = monthSum(MAINS);
  // The cards round to 3 significant digits (or whole Wh).
  if (!close(kwhOf(eToday.big), mToday, Math.max(0.0006, mToday * 0.006))) fail(`energy today card ${eToday.big}, expected ${mToday}`);
  if (!close(kwhOf(eMonth.big), mMonth, Math.max(0.0006, mMonth * 0.006))) fail(`energy this month card ${eMonth.big}, expected ${mMonth}`);
  for (const [c, kwh] of [[eToday, mToday], [eMonth, mMonth]]) {
    if (!c.cost || !close(c.amount, kwh * KWH_PRICE, 1e-9)) fail(`energy cost ${JSON.stringify(c)}, expected ${kwh * KWH_PRICE}`);
    const shown = Number(c.cost.replace(/[^\d.]/g, ""));
    if (!c.cost.startsWith("€") || !close(shown, kwh * KWH_PRICE, 0.005)) fail(`energy cost shown as ${c.cost}, expected €${(kwh * KWH_PRICE).toFixed(2)}`);
  }
  const wMonth = water.reduce((a, s) => a + monthSum(s), 0);
  const wCard = await cardOf("water-month");
  if (!wCard.cost || !close(wCard.amount, wMonth * LITRE_PRICE, 1e-9)) fail(`water cost ${JSON.stringify(wCard)}, expected ${wMonth * LITRE_PRICE}`);
  ok(`cards: energy today ${eToday.big} (${eToday.cost}), this month ${eMonth.big} (${eMonth.cost}), water this month ` +
     `${wCard.big} (${wCard.cost}); history-query: ${mToday}, ${mMonth.toFixed(4)} kWh`);
  const biggest = appliances.reduce((a, s) => (get(daily, s, today) > get(daily, a, today) ? s : a));
  const tip = (await bars("energy-bars"))[6].tips[biggest];
  const kwh = get(daily, biggest, today);
  const tipCost = /· €([\d.]+)$/.exec(tip);
  if (!tip.includes(localDate(today)) || !tipCost || !close(Number(tipCost[1]), kwh * KWH_PRICE, 0.005)) {
    fail(`a bar's tooltip lacks the day or the cost of ${kwh} kWh: ${tip}`);
  }
  ok(`tooltip: "${tip}" (${kwh} kWh)`);
  let ran = 0;
  for (const s of usage) {
    const place = s.split("/").slice(-2)[0];
    const line = await page.$$eval(`#places .ecard[data-place="${place}"] .line`, (els) =>
      (els.map((e) => e.textContent).find((t) => t.startsWith("ran ")) || ""));
    const m = /^ran (.+) today$/.exec(line);
    if (!m) fail(`no running time on the ${place} card: ${JSON.stringify(line)}`);
    const secs = secondsOf(m[1]);
    const want = get(daily, s, today);
    // Rounded to the minute above one minute (to the second below).
    if (!close(secs, want, want < 60 ? 0.5 : 30)) fail(`${place} ran ${m[1]} (${secs} s), history-query ${want} s`);
    if (want >= 3600 && !/^\d+ h( \d+ min)?$/.test(m[1])) fail(`${place}: ${m[1]} is not in hours and minutes`);
    if (want > 0) ran++;
  }
  const names = await page.$$eval("#places .ecard .label", (els) => els.map((e) => e.textContent));
  if (!names.includes("Washing machine") || !names.includes("TV")) fail("place cards lack readable names: " + names);
  const fd = await page.evaluate(() => [12000, 45, 600, 7200].map(window.energy.formatDuration));
  if (JSON.stringify(fd) !== JSON.stringify(["3 h 20 min", "45 s", "10 min", "2 h"])) fail("durations: " + JSON.stringify(fd));
  ok(`running times on ${usage.length} cards match history-query (${ran} ran today); places: ${names.join(", ")}`);
  // One colour per place: an appliance in the energy legend and the running-time legend alike.
  const colours = await page.evaluate(() => ["#energy-legend", "#usage-legend"].map((id) =>
    Object.fromEntries([...document.querySelectorAll(id + " > span")].map((i) => [i.textContent, i.querySelector(".sw").style.background]))));
  const shared = Object.keys(colours[1]).filter((n) => n in colours[0]);
  if (shared.length < 2) fail("the energy and running-time legends share fewer than 2 places: " + JSON.stringify(colours));
  for (const n of shared) if (colours[0][n] !== colours[1][n]) fail(`${n} is ${colours[0][n]} in the energy bars, ${colours[1][n]} in running time`);
  ok(`${shared.length} places have one colour in both legends`);

  // 3. Power: time-weighted averages per hour, one line per power meter, equal to history-query
  // --agg twa; no counter is charted as a cumulative line.
  await waitFor("power chart drawn", () => page.evaluate(() => !!document.querySelector("#power-chart canvas") && !!window.energy.powerData));
  const power = await page.evaluate(() => ({ series: document.querySelector("#power-chart").dataset.series.split(" "),
                                             data: window.energy.powerData }));
  const powerSensors = [...powerWeek.keys()];
  if (JSON.stringify([...power.series].sort()) !== JSON.stringify([...powerSensors].sort())) {
    fail("power chart series " + power.series + ", expected " + powerSensors);
  }
  // The hour history-query ran in was still open (its average runs up to "now"): not compared.
  const open = Math.floor(fs.statSync(path.join(dir, "power-week.jsonl")).mtimeMs / HOUR) * HOUR;
  let points = 0;
  power.series.forEach((s, i) => {
    power.data[0].forEach((x, j) => {
      if (x * 1000 >= open) return;
      const want = powerWeek.get(s).get(x * 1000);
      const got = power.data[i + 1][j];
      if (want === undefined ? got !== null : !close(got, want, 1e-9)) fail(`power ${s} at ${new Date(x * 1000).toISOString()}: ${got}, twa ${want}`);
      if (want !== undefined) points++;
    });
  });
  if (points < 24 * 6) fail("too few power points: " + points);
  ok(`power chart: ${power.series.length} meters, ${points} hourly points equal history-query --agg twa`);
  await page.screenshot({ path: path.join(shotDir, "energy.png"), fullPage: true });

  // 4. 24 h: one bar per hour, equal to history-query --every 1h.
  await page.click('#ranges button[data-range="24h"]');
  await waitBars(24);
  const nowHour = Math.floor(Date.now() / HOUR) * HOUR;
  const hours = [];
  for (let i = 23; i >= 0; i--) hours.push(nowHour - i * HOUR);
  n = await checkBars("24 h", hours, hourly);
  ok(`24 h: ${n} hourly bars equal history-query --every 1h --agg increase`);
  await waitFor("power chart of 24 h", () => page.evaluate(() => /per 15m/.test(document.querySelector(".power-note").textContent)));
  await page.screenshot({ path: path.join(shotDir, "energy-24h.png"), fullPage: true });

  // 5. Live: a reading of an appliance meter 0.25 kWh above its last stored value grows the
  // current hour's bar, and today's bar in the 7-day view, by 0.25 kWh.
  await waitFor("connected", () => page.evaluate(() => document.querySelector("#status").textContent === "live"));
  const sensor = appliances[0];
  const last = (await (await fetch(origin + "/api/sensors?sensor=" + encodeURIComponent(sensor))).json()).sensors[0].value;
  const ts = Date.now(), hour = Math.floor(ts / HOUR) * HOUR;
  const segValue = (sel) => page.$eval(sel, (e) => Number(e.dataset.value));
  const hourSel = `#energy-bars .bar[data-start="${hour}"] .seg[data-sensor="${sensor}"]`;
  await waitFor("the current hour's bar", () => page.$(hourSel));
  const beforeHour = await segValue(hourSel);
  const beforeDay = await page.evaluate(([s, d]) => window.energy.state.series.get(s).byDay.get(d) || 0, [sensor, today]);
  server.stdin.write(JSON.stringify({ sensor, ts: new Date(ts).toISOString(), value: last + 0.25, unit: "kWh", kind: "energy" }) + "\n");
  await waitFor("the current hour's bar grew by the live rise", async () => close(await segValue(hourSel), beforeHour + 0.25, 1e-9));
  await page.click('#ranges button[data-range="7d"]');
  await waitBars(7);
  const daySel = `#energy-bars .bar[data-start="${today}"] .seg[data-sensor="${sensor}"]`;
  await waitFor("today's bar grew too", async () => close(await segValue(daySel), beforeDay + 0.25, 1e-9));
  ok(`live: ${sensor} this hour ${beforeHour} -> ${beforeHour + 0.25}, today ${beforeDay} -> ${beforeDay + 0.25} kWh`);

  // 5b. Live power: a reading stored by db-store (the pipeline's own path into the database
  // ws-serve -d answers from) and sent live moves the power chart's current bucket.
  await waitFor("power chart of 7 d", () => page.evaluate(() => /per 1h/.test(document.querySelector(".power-note").textContent)));
  const meter = powerSensors[0];
  const currentBucket = () => page.evaluate((m) => {
    const d = window.energy.powerData, i = document.querySelector("#power-chart").dataset.series.split(" ").indexOf(m);
    return i < 0 ? null : { x: d[0][d[0].length - 1] * 1000, w: d[i + 1][d[0].length - 1] };
  }, meter);
  const before = await currentBucket();
  if (!before || typeof before.w !== "number") fail("no current power bucket for " + meter + ": " + JSON.stringify(before));
  const meterUnit = (await (await fetch(origin + "/api/sensors?sensor=" + encodeURIComponent(meter))).json()).sensors[0].unit;
  const big = meterUnit === "kW" ? 1000 : 1e6;  // a megawatt: its few seconds outweigh the bucket's hour
  const powerLine = JSON.stringify({ sensor: meter, ts: new Date().toISOString(), value: big, unit: meterUnit, kind: "power" }) + "\n";
  execFileSync(path.join(path.dirname(bin), "db-store"), ["-d", db, "--quiet"], { input: powerLine });
  server.stdin.write(powerLine);
  let after = null;
  await waitFor("the current power bucket moved up by the live reading", async () => {
    after = await currentBucket();
    return after && after.x >= before.x && typeof after.w === "number" && after.w > before.w + 100;
  });
  ok(`live power: ${meter} ${big} ${meterUnit} moves the current bucket ${Math.round(before.w)} -> ${Math.round(after.w)} W`);

  // 6. 30 d: thirty local days (the live rise is in today's bar of that meter, checked above).
  await page.click('#ranges button[data-range="30d"]');
  await waitBars(30);
  const month = [];
  for (let i = 29; i >= 0; i--) month.push(today - i * DAY);
  n = await checkBars("30 d", month, daily, (s, t) => s === sensor && t === today);
  ok(`30 d: ${n} daily bars equal history-query --tz ${zone}`);

  // 7. Phone width: no sideways scrolling, the bars and the chart still all there.
  await page.click('#ranges button[data-range="7d"]');
  await waitBars(7);
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await waitFor("no sideways scrolling at 390 px", async () => (await overflow()) <= 1);
  const chartWidth = await page.$eval("#power-chart canvas", (c) => c.getBoundingClientRect().right);
  if (chartWidth > 390) fail("the power chart is wider than the phone: " + chartWidth);
  await page.screenshot({ path: path.join(shotDir, "energy-phone.png"), fullPage: true });
  ok("phone width fits; screenshots in " + shotDir);

  // 8. Days across daylight-saving changes: the page's local midnights (where its day buckets
  // start) are the tz database's, also on New York's 23- and 25-hour days.
  const ny = await browser.newContext({ timezoneId: "America/New_York", locale: "en-US" });
  const nyPage = await ny.newPage();
  await nyPage.goto(origin + "/energy.html");
  await nyPage.waitForFunction(() => window.energy && window.energy.localMidnight);
  const nyTime = (text) => Number(execFileSync("date", ["-d", text, "+%s"], { env: { TZ: "America/New_York" } }).toString()) * 1000;
  const iso = (t) => new Date(t).toISOString();
  for (const day of ["2026-03-07", "2026-03-08", "2026-03-09", "2026-10-31", "2026-11-01", "2026-11-02"]) {
    const want = [nyTime(day + " 00:00"), nyTime(day + " 00:00 next day")];
    const got = await nyPage.evaluate((t) => [window.energy.localMidnight(t), window.energy.localMidnight(t, 1)], nyTime(day + " 12:00"));
    if (got[0] !== want[0] || got[1] !== want[1]) fail(`New York ${day}: page's day ${got.map(iso)}, tz database ${want.map(iso)}`);
  }
  await ny.close();
  ok("local midnights in New York equal the tz database's across both DST changes (23 h and 25 h days)");

  if (errors.length) fail("console errors: " + JSON.stringify(errors));
  ok("no console errors");
  await browser.close();
  server.stdin.end();
  await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  process.exit(0);
})().catch((e) => fail(e.stack || String(e)));
