// Broadcast benchmark client: N WebSocket connections that count messages.
//   node bench_client.js URL N LINES READY_FILE
// Creates READY_FILE once all N are connected, then prints one line when every client got
// LINES readings: "delivered N*LINES in S s = R msgs/s" (first to last delivery).
"use strict";
const fs = require("fs");
const WebSocket = require("ws");
const [url, nText, linesText, ready] = process.argv.slice(2);
const n = Number(nText), lines = Number(linesText);
let open = 0, done = 0, first = 0, total = 0;
for (let i = 0; i < n; i++) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let count = 0;
  ws.on("open", () => { if (++open === n) fs.writeFileSync(ready, "ready\n"); });
  ws.on("message", (data) => {
    if (data[0] !== 0x7b || data[2] !== 0x73) return;  // only {"sensor"... readings count
    if (!first) first = process.hrtime.bigint();
    total++;
    if (++count === lines) {
      if (++done === n) {
        const s = Number(process.hrtime.bigint() - first) / 1e9;
        console.log(`delivered ${total} in ${s.toFixed(3)} s = ${Math.round(total / s)} msgs/s`);
        process.exit(0);
      }
    }
  });
  ws.on("close", () => { if (count < lines) { console.log(`client closed early after ${count}`); process.exit(1); } });
  ws.on("error", (e) => { console.error("bench_client: " + e.message); process.exit(1); });
}
