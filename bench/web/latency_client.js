// End-to-end latency at the last hop: for each reading received, arrival - reading.ts
// (both wall clock, ms). Reads readings from a WebSocket URL, or JSON lines from stdin
// when the source is "-". Skips the first SKIP readings (warm-up), then prints median,
// p99 and max over the next N. Gives up after TIMEOUT seconds (exit 1, saying how many
// arrived) so a stalled chain can never hang the benchmark.
//   node latency_client.js URL|- N SKIP TIMEOUT
// The reading's ts has millisecond resolution (truncated), so every figure is up to 1 ms
// above the true latency; the arrival time is taken with sub-millisecond resolution.
"use strict";
const { performance } = require("perf_hooks");
const [source, nText, skipText, timeoutText] = process.argv.slice(2);
const n = Number(nText), skip = Number(skipText || 0), timeout = Number(timeoutText || 60);
const lat = [];
let seen = 0;

function arrived(text) {
  const now = performance.timeOrigin + performance.now();
  let m;
  try { m = JSON.parse(text); } catch { return; }
  if (m.sensor === undefined || m.ts === undefined) return;
  if (++seen <= skip) return;
  lat.push(now - Date.parse(m.ts));
  if (lat.length === n) {
    lat.sort((a, b) => a - b);
    const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
    console.log(`median ${q(0.5)} ms, p99 ${q(0.99)} ms, min ${lat[0].toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms (${n} readings)`);
    process.exit(0);
  }
}

setTimeout(() => {
  console.error(`latency_client: only ${seen} of ${skip + n} readings arrived within ${timeout} s`);
  process.exit(1);
}, timeout * 1000);

if (source === "-") {
  require("readline").createInterface({ input: process.stdin }).on("line", arrived);
  process.stdin.on("end", () => {
    console.error(`latency_client: input ended after ${seen} of ${skip + n} readings`);
    process.exit(1);
  });
} else {
  const WebSocket = require("ws");
  const ws = new WebSocket(source);
  ws.on("message", (data) => arrived(data.toString()));
  ws.on("error", (e) => { console.error("latency_client: " + e.message); process.exit(1); });
  ws.on("close", (code) => {
    console.error(`latency_client: the server closed the connection (${code}) after ${seen} readings`);
    process.exit(1);
  });
}
