// Browser test of the dashboard: real ws-serve, real headless Chromium (playwright-core
// driving Debian's /usr/bin/chromium). Run by browser.sh; prints "ok: ..." per step and
// exits non-zero on the first failure. Waits are generous (WAIT): CI runs this next to
// another test on 2 cores, also with ws-serve under ASan; passing steps return at once.
//
//   node browser.js WS_SERVE_BINARY SCREENSHOT.png
"use strict";
const { spawn } = require("child_process");
const net = require("net");
const { chromium } = require("playwright-core");

const [bin, screenshot] = process.argv.slice(2);
const children = new Set();
let server = null;

function fail(msg) {
  console.error("FAIL: " + msg);
  for (const c of children) c.kill("SIGTERM");
  process.exit(1);
}
function ok(msg) { console.log("ok: " + msg); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WAIT = 30000;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// ws-serve with stdin from this process; --exit-on-eof so it cannot outlive the test.
function startServer(port) {
  const child = spawn(bin, ["--listen", "127.0.0.1:" + port, "--exit-on-eof"], { stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  child.stdoutText = "";
  child.stderrText = "";
  child.stdout.on("data", (d) => { child.stdoutText += d; });
  child.stderr.on("data", (d) => { child.stderrText += d; });
  child.on("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (child.stderrText.includes("serving http://")) { clearInterval(t); resolve(child); }
      if (child.exitCode !== null) { clearInterval(t); reject(new Error("ws-serve exited: " + child.stderrText)); }
    }, 50);
  });
}

function feed(child, readings) {
  child.stdin.write(readings.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

async function waitFor(what, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) fail(what + " (not within " + timeoutMs + " ms)");
    await sleep(25);
  }
}

(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  server = await startServer(port);
  const now = Date.now();
  // Half an hour of history, one reading a minute per sensor.
  const history = [];
  for (let i = 30; i >= 1; i--) {
    const ts = new Date(now - i * 60e3).toISOString();
    history.push({ sensor: "home/kitchen/temperature", ts, value: 20 + Math.sin(i / 5), unit: "°C", kind: "temperature" });
    history.push({ sensor: "home/bedroom/temperature", ts, value: 18 + Math.cos(i / 4), unit: "°C", kind: "temperature" });
    history.push({ sensor: "home/kitchen/power", ts, value: 100 + 50 * (i % 3), unit: "W", kind: "power" });
    history.push({ sensor: "home/kitchen/energy", ts, value: 15000 + (30 - i) * 0.002, unit: "kWh", kind: "energy" });
  }
  history.push({ sensor: "home/living/led/brightness", ts: new Date(now - 60e3).toISOString(), value: 30, unit: "%",
                 kind: "brightness" });
  feed(server, history);

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  let outage = false;  // while ws-serve is deliberately down, the browser's own network errors are expected
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    if (outage && /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|Failed to load resource/.test(text)) return;
    errors.push(text);
  });
  page.on("pageerror", (e) => errors.push("page error: " + e.message));
  const bucketed = [];  // /api/history requests with a bucket: which aggregate they ask for
  page.on("request", (r) => { if (/api\/history\?.*every=/.test(r.url())) bucketed.push(new URL(r.url()).searchParams.get("agg")); });

  // 1. The page opens with the history drawn.
  await page.goto(url);
  await waitFor("history points in the page", () => page.evaluate(() =>
    window.sensorpipe && window.sensorpipe.points("home/kitchen/temperature").length >= 30), WAIT);
  await waitFor("temperature chart drawn", () => page.evaluate(() => {
    const d = window.sensorpipe.chartValues("temperature");
    return d && d.length === 3 && d[0].length >= 30 && !!document.querySelector('.chart[data-kind="temperature"] canvas');
  }), WAIT);
  await waitFor("power chart drawn", () => page.evaluate(() => !!document.querySelector('.chart[data-kind="power"] canvas')), WAIT);
  const cards = await page.$$eval(".card", (els) => els.map((e) => e.dataset.sensor));
  if (cards.length !== 5) fail("expected 5 cards, got " + JSON.stringify(cards));
  // The energy meter has its card, but no cumulative line: the note points to the energy page.
  if (await page.$('.chart[data-kind="energy"]')) fail("the energy counter is charted as a cumulative line");
  if (!(await page.isVisible("#counters-note"))) fail("no note on where the counters went");
  await waitFor("connected", () => page.evaluate(() => window.sensorpipe.connected), WAIT);
  if ((await page.textContent("#status")).trim() !== "live") fail("status is not live: " + await page.textContent("#status"));
  ok("page opened with 30 min of history in 2 charts and 5 cards (the energy meter not charted raw)");

  // 2. A live reading appears in its card and its chart (the time it took is reported: a
  // deadline of a second would measure the machine's load, not the dashboard).
  feed(server, [{ sensor: "home/kitchen/temperature", value: 42.42, unit: "°C", kind: "temperature" }]);
  const t0 = Date.now();
  await waitFor("live value in the card", () => page.$eval('.card[data-sensor="home/kitchen/temperature"] .value',
    (e) => e.textContent === "42.42"), WAIT);
  await waitFor("live value in the chart", () => page.evaluate(() =>
    window.sensorpipe.chartValues("temperature").slice(1).some((s) => s.includes(42.42))), WAIT);
  ok(`live reading in card and chart after ${Date.now() - t0} ms`);

  // 3. The slider's command comes out of ws-serve's stdout.
  const slider = page.locator('.control[data-sensor="home/living/led/brightness"] input[type=range]');
  if ((await slider.inputValue()) !== "30") fail("slider does not show the LED's state: " + await slider.inputValue());
  await slider.fill("75");
  await waitFor("command on stdout", () => /"target":"home\/living\/led\/set","value":75,"client":"ws-\d+","ts":"/.test(server.stdoutText), WAIT);
  ok("slider sent " + server.stdoutText.trim().split("\n").pop());

  // 4. ws-serve restarts; the page reconnects and fills the gap from /api/history.
  outage = true;
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  await waitFor("page notices the outage", () => page.evaluate(() => !window.sensorpipe.connected), WAIT);
  const gapTs = Date.now();
  await sleep(300);
  server = await startServer(port);
  // The restarted server knows the history (as it would from -d) plus a reading from the
  // outage; the page must fetch that one, since it was never broadcast to it.
  feed(server, history);
  feed(server, [{ sensor: "home/kitchen/temperature", ts: new Date(gapTs).toISOString(), value: 55.5, unit: "°C", kind: "temperature" }]);
  await waitFor("page reconnected", () => page.evaluate(() => window.sensorpipe.connected), WAIT);
  outage = false;
  await waitFor("gap filled from /api/history", () => page.evaluate((ts) =>
    window.sensorpipe.points("home/kitchen/temperature").some(([t, v]) => t === ts && v === 55.5), gapTs), WAIT);
  feed(server, [{ sensor: "home/kitchen/power", value: 777, unit: "W", kind: "power" }]);
  await waitFor("live again after the restart", () => page.$eval('.card[data-sensor="home/kitchen/power"] .value',
    (e) => e.textContent === "777.0"), WAIT);
  const before = await page.evaluate(() => window.sensorpipe.points("home/kitchen/temperature").length);
  if (before < 32) fail("history lost across the restart: " + before + " points");
  ok("recovered after a restart: gap filled, live again, " + before + " points kept");

  // 5. Range buttons re-query; a phone-width layout has no horizontal scrolling.
  await page.click('#ranges button[data-range="24h"]');
  await waitFor("24 h range selected", () => page.evaluate(() => new URL(location.href).searchParams.get("range") === "24h"), WAIT);
  await waitFor("chart redrawn for 24 h", () => page.evaluate(() => {
    const d = window.sensorpipe.chartValues("temperature");
    return d && d[0].length > 0;
  }), WAIT);
  if (!bucketed.length || bucketed.some((a) => a !== "twa")) fail("bucketed history asked for " + JSON.stringify(bucketed) + ", not twa");
  await page.click('#ranges button[data-range="1h"]');
  await waitFor("1 h history again", () => page.evaluate(() => window.sensorpipe.points("home/bedroom/temperature").length >= 30), WAIT);
  await page.screenshot({ path: screenshot, fullPage: true });
  ok("screenshot saved to " + screenshot);
  await page.setViewportSize({ width: 390, height: 844 });
  // The charts follow the new width on their own (resize handlers): wait for them to settle.
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  let over = await overflow();
  for (const end = Date.now() + WAIT; over > 1 && Date.now() < end; over = await overflow()) await sleep(25);
  if (over > 1) fail("phone width scrolls sideways by " + over + " px");
  ok("phone width fits");

  // 6. No console errors anywhere along the way.
  if (errors.length) fail("console errors: " + JSON.stringify(errors));
  ok("no console errors");
  await browser.close();
  server.stdin.end();
  await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  process.exit(0);
})().catch((e) => fail(e.stack || String(e)));
