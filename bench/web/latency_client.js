// End-to-end latency at the last hop: for each reading received over the WebSocket,
// now - reading.ts (both wall clock, ms). Skips the first SKIP readings (warm-up), then
// prints median, p99 and max over the next N.
//   node latency_client.js URL N SKIP
"use strict";
const WebSocket = require("ws");
const [url, nText, skipText] = process.argv.slice(2);
const n = Number(nText), skip = Number(skipText || 0);
const lat = [];
let seen = 0;
const ws = new WebSocket(url);
ws.on("message", (data) => {
  const now = Date.now();  // ts has millisecond resolution too
  const m = JSON.parse(data);
  if (m.sensor === undefined) return;
  if (++seen <= skip) return;
  lat.push(now - Date.parse(m.ts));
  if (lat.length === n) {
    lat.sort((a, b) => a - b);
    const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    console.log(`latency over ${n} readings: median ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lat[lat.length - 1]} ms`);
    process.exit(0);
  }
});
ws.on("error", (e) => { console.error("latency_client: " + e.message); process.exit(1); });
