// Browser test of the energy & water view (energy.html): real ws-serve -d on a database,
// real headless Chromium. Run by browser_energy.sh, which stores a simulated month and writes
// history-query's daily increases to EXPECTED. Prints "ok: ..." per step, exits non-zero on
// the first failure. Waits are generous (WAIT); passing steps return at once.
//
//   node browser_energy.js WS_SERVE_BINARY DATABASE EXPECTED.jsonl SCREENSHOT_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");
const { chromium } = require("playwright-core");

const [bin, db, expectedFile, shotDir] = process.argv.slice(2);
let server = null;
function fail(msg) {
  console.error("FAIL: " + msg);
  if (server && server.exitCode === null) server.kill("SIGTERM");
  process.exit(1);
}
function ok(msg) { console.log("ok: " + msg); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WAIT = 90000;  // the first load asks for a month of daily increases
async function waitFor(what, fn) {
  const end = Date.now() + WAIT;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) fail(what + " (not within " + WAIT + " ms)");
    await sleep(25);
  }
}
const DAY = 86400e3;

// history-query's rows: sensor -> day (YYYY-MM-DD) -> increase.
const expected = new Map();
for (const line of fs.readFileSync(expectedFile, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  if (!expected.has(r.sensor)) expected.set(r.sensor, new Map());
  expected.get(r.sensor).set(r.ts.slice(0, 10), r.increase);
}
const inc = (sensor, day) => (expected.get(sensor) && expected.get(sensor).get(day)) || 0;
const today = new Date().toISOString().slice(0, 10);
const monthPrefix = today.slice(0, 8);
const monthSum = (sensor) => [...(expected.get(sensor) || new Map())].filter(([d]) => d.startsWith(monthPrefix))
  .reduce((a, [, v]) => a + v, 0);

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
  server = spawn(bin, ["--listen", "127.0.0.1:0", "-d", db, "--exit-on-eof"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  server.stderr.on("data", (d) => { stderr += d; });
  server.stdout.resume();
  await waitFor("ws-serve serving", () => /serving http:\/\/127\.0\.0\.1:(\d+)\//.test(stderr) || server.exitCode !== null);
  if (server.exitCode !== null) fail("ws-serve exited: " + stderr);
  const url = "http://127.0.0.1:" + /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)[1] + "/energy.html";

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push("page error: " + e.message));

  // 1. Seven day bars per appliance, each equal to history-query's increase for that UTC day.
  await page.goto(url);
  await waitFor("energy bars drawn", () => page.evaluate(() => document.querySelectorAll("#energy-bars .day").length === 7));
  const segs = await page.$$eval("#energy-bars .seg", (els) => els.map((e) => ({
    sensor: e.dataset.sensor, day: e.closest(".day").dataset.day, value: Number(e.dataset.value), height: e.style.height })));
  const days = await page.$$eval("#energy-bars .day", (els) => els.map((e) => e.dataset.day));
  const want = [];
  for (let i = 6; i >= 0; i--) want.push(new Date(Date.parse(today) - i * DAY).toISOString().slice(0, 10));
  if (JSON.stringify(days) !== JSON.stringify(want)) fail("days " + JSON.stringify(days) + ", expected " + JSON.stringify(want));
  const appliances = [...expected.keys()].filter((s) => /\/energy$/.test(s) && !/\/mains\//.test(s));
  if (appliances.length < 3) fail("too few appliance meters in the data: " + appliances);
  let checked = 0, nonzero = 0;
  for (const s of appliances) {
    for (const d of want) {
      const seg = segs.find((x) => x.sensor === s && x.day === d);
      if (!seg) fail("no bar segment for " + s + " on " + d);
      if (seg.value !== inc(s, d)) fail(`${s} on ${d}: bar ${seg.value}, history-query ${inc(s, d)}`);
      checked++;
      if (seg.value > 0) nonzero++;
    }
  }
  if (nonzero < 7) fail("too few non-zero bars to mean anything: " + nonzero);
  // "Other / untracked" is the mains meter minus the appliances' meters.
  for (const d of want) {
    const seg = segs.find((x) => x.sensor === "other" && x.day === d);
    const other = Math.max(0, inc("house1/mains/energy", d) - appliances.reduce((a, s) => a + inc(s, d), 0));
    if (!seg || !close(seg.value, other, 1e-6)) fail(`other on ${d}: ${seg && seg.value}, expected ${other}`);
  }
  ok(`${checked} appliance bars equal history-query --agg increase (${nonzero} non-zero), plus "other" = mains - appliances`);

  // 2. Cards: today's and this month's totals from the mains meter, per-place running times.
  const card = (sel) => page.$eval(sel + " .big", (e) => e.textContent);
  const eToday = kwhOf(await card('[data-total="energy-today"]'));
  const eMonth = kwhOf(await card('[data-total="energy-month"]'));
  const mToday = inc("house1/mains/energy", today), mMonth = monthSum("house1/mains/energy");
  // The cards round to 3 significant digits (or whole Wh).
  if (!close(eToday, mToday, Math.max(0.0006, mToday * 0.006))) fail(`energy today card ${eToday}, expected ${mToday}`);
  if (!close(eMonth, mMonth, Math.max(0.0006, mMonth * 0.006))) fail(`energy this month card ${eMonth}, expected ${mMonth}`);
  ok(`cards: energy today ${eToday} kWh, this month ${eMonth} kWh (history-query: ${mToday}, ${mMonth.toFixed(4)})`);
  const usage = [...expected.keys()].filter((s) => /\/usage$/.test(s));
  let ran = 0;
  for (const s of usage) {
    const place = s.split("/").slice(-2)[0];
    const line = await page.$$eval(`#places .ecard[data-place="${place}"] .line`, (els) =>
      (els.map((e) => e.textContent).find((t) => t.startsWith("ran ")) || ""));
    const m = /^ran (.+) today$/.exec(line);
    if (!m) fail(`no running time on the ${place} card: ${JSON.stringify(line)}`);
    const secs = secondsOf(m[1]);
    const want = inc(s, today);
    // Rounded to the minute above one minute (to the second below).
    if (!close(secs, want, want < 60 ? 0.5 : 30)) fail(`${place} ran ${m[1]} (${secs} s), history-query ${want} s`);
    if (want >= 3600 && !/^\d+ h( \d+ min)?$/.test(m[1])) fail(`${place}: ${m[1]} is not in hours and minutes`);
    if (want > 0) ran++;
  }
  if (usage.length < 3) fail("too few usage counters: " + usage);
  const fd = await page.evaluate(() => [12000, 45, 600, 7200].map(window.energy.formatDuration));
  if (JSON.stringify(fd) !== JSON.stringify(["3 h 20 min", "45 s", "10 min", "2 h"])) fail("durations: " + JSON.stringify(fd));
  ok(`running times on ${usage.length} cards match history-query (${ran} ran today); 12000 s reads "3 h 20 min"`);

  // 3. Water per day.
  const water = [...expected.keys()].filter((s) => /\/water\/total$/.test(s));
  for (const s of water) for (const d of want) {
    const v = await page.$eval(`#water-bars .day[data-day="${d}"] .seg[data-sensor="${s}"]`, (e) => Number(e.dataset.value));
    if (v !== inc(s, d)) fail(`water ${s} on ${d}: ${v}, history-query ${inc(s, d)}`);
  }
  ok(`water bars equal history-query for ${water.length} meter(s)`);
  await page.screenshot({ path: path.join(shotDir, "energy.png"), fullPage: true });

  // 4. A live reading grows today's bar: the first one is the baseline, the next one's rise counts.
  await waitFor("connected", () => page.evaluate(() => document.querySelector("#status").textContent === "live"));
  const sensor = appliances[0];
  const before = await page.$eval(`#energy-bars .day[data-day="${today}"] .seg[data-sensor="${sensor}"]`, (e) => Number(e.dataset.value));
  const base = 100000;  // far above any simulated reading: a rise, not a reset
  const ts = new Date().toISOString();
  server.stdin.write(JSON.stringify({ sensor, ts, value: base, unit: "kWh", kind: "energy" }) + "\n" +
                     JSON.stringify({ sensor, ts, value: base + 0.25, unit: "kWh", kind: "energy" }) + "\n");
  await waitFor("today's bar grew by the live rise", () => page.$eval(
    `#energy-bars .day[data-day="${today}"] .seg[data-sensor="${sensor}"]`, (e, b) => Math.abs(Number(e.dataset.value) - b - 0.25) < 1e-9,
    before));
  ok(`live: ${sensor} today ${before} -> ${before + 0.25} kWh`);

  // 5. Phone width: no sideways scrolling, the bars still all there.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  let over = await overflow();
  for (const end = Date.now() + WAIT; over > 1 && Date.now() < end; over = await overflow()) await sleep(25);
  if (over > 1) fail("phone width scrolls sideways by " + over + " px");
  await page.screenshot({ path: path.join(shotDir, "energy-phone.png"), fullPage: true });
  ok("phone width fits; screenshots in " + shotDir);

  if (errors.length) fail("console errors: " + JSON.stringify(errors));
  ok("no console errors");
  await browser.close();
  server.stdin.end();
  await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  process.exit(0);
})().catch((e) => fail(e.stack || String(e)));
