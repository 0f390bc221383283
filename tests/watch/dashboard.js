// The dashboard's active-alerts banner in real headless Chromium: sensor-watch | ws-serve,
// readings fed on stdin. Run by dashboard.sh; prints "ok: ..." per step, exits non-zero
// on the first failure. Waits are generous (a loaded 2-core machine); passing steps return at once.
//
//   node dashboard.js PORT
"use strict";
const { spawn } = require("child_process");
const { chromium } = require("playwright-core");

const port = Number(process.argv[2]);
const WAIT = 30000;
let pipeline = null;
function fail(msg) {
  console.error("FAIL: " + msg);
  if (pipeline) pipeline.stdin.end();
  process.exit(1);
}
function ok(msg) { console.log("ok: " + msg); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn) {
  const end = Date.now() + WAIT;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) fail(what + " (not within " + WAIT + " ms)");
    await sleep(25);
  }
}

(async () => {
  // The pipeline of a site: alerts are made by sensor-watch and served like readings.
  pipeline = spawn("bash", ["-c", `exec sensor-watch --above 'lab/+=10,clear=8,name=hot' | exec ws-serve --listen 127.0.0.1:${port} --exit-on-eof`],
                   { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  pipeline.stderr.on("data", (d) => { stderr += d; });
  await waitFor("ws-serve serving", () => stderr.includes("serving http://"));
  const feed = (r) => pipeline.stdin.write(JSON.stringify(r) + "\n");

  // 1. An alert that fired before the page opened is in the banner (from /api/sensors).
  feed({ sensor: "lab/t", value: 12, unit: "°C", kind: "temperature" });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push("page error: " + e.message));
  await waitFor("the firing alert known to ws-serve", async () => {
    await page.goto(`http://127.0.0.1:${port}/`);
    return page.evaluate(() => new Promise((r) => setTimeout(() => r(window.sensorpipeAlerts.active().length === 1), 500)));
  });
  // Its message and since come from the stored event (/api/history?fields=1), not only the name.
  const first = '#alerts li[data-sensor="alerts/hot/lab/t"]';
  await waitFor("the earlier alert's message", async () => ((await page.textContent(first + " .text")) || "").includes("hot firing: lab/t is above 10: 12"));
  const banner = await page.textContent("#alerts");
  if (!banner.includes("1 active alert")) fail("banner: " + banner);
  if (!(await page.textContent(first + " time")).startsWith("since ")) fail("no since: " + banner);
  ok("an alert that fired before the page opened is shown with its message: " + banner.replace(/\s+/g, " "));

  // 2. A live alert joins it, with its message.
  await waitFor("connected", () => page.evaluate(() => window.sensorpipe.connected));
  feed({ sensor: "lab/u", value: 20 });
  await waitFor("the live alert in the banner", () => page.evaluate(() => window.sensorpipeAlerts.active().length === 2));
  const text = await page.textContent('#alerts li[data-sensor="alerts/hot/lab/u"]');
  if (!text.includes("hot firing: lab/u is above 10: 20")) fail("live alert's text: " + text);
  if (!(await page.textContent("#alerts h2")).includes("2 active alerts")) fail("banner count");
  ok("a live alert is listed: " + text);

  // 3. Resolved alerts leave the list; the banner goes when none is left.
  feed({ sensor: "lab/t", value: 5 });
  await waitFor("lab/t resolved", async () => JSON.stringify(await page.evaluate(() => window.sensorpipeAlerts.active())) ===
                                            JSON.stringify(["alerts/hot/lab/u"]));
  feed({ sensor: "lab/u", value: 7 });
  await waitFor("banner hidden", () => page.evaluate(() => document.getElementById("alerts").hidden));
  ok("resolved alerts leave; the banner hides when none is active");

  // Alert events are not drawn as sensor cards; readings still are.
  const cards = await page.$$eval(".card", (els) => els.map((e) => e.dataset.sensor));
  if (cards.some((c) => c.startsWith("alerts/")) || !cards.includes("lab/u")) fail("cards: " + JSON.stringify(cards));
  if (errors.length) fail("console errors: " + errors.join(" | "));
  ok("no alert cards, no console errors");
  await browser.close();
  pipeline.stdin.end();
  await new Promise((r) => pipeline.once("exit", r));
  process.exit(0);
})().catch((e) => fail(e.stack || String(e)));
