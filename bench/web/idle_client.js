// Opens N idle WebSocket connections (in batches, so the accept queue keeps up), writes
// READY_FILE when all are open, and holds them until killed.
//   node idle_client.js URL N READY_FILE
"use strict";
const fs = require("fs");
const WebSocket = require("ws");
const [url, nText, ready] = process.argv.slice(2);
const n = Number(nText);
const sockets = [];
let open = 0, started = 0;
function more() {
  for (let i = 0; i < 200 && started < n; i++, started++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on("open", () => { if (++open === n) fs.writeFileSync(ready, `${open}\n`); else if (open === started) more(); });
    ws.on("error", (e) => { console.error("idle_client: " + e.message); process.exit(1); });
    ws.on("close", () => { console.error("idle_client: a connection closed"); process.exit(1); });
    sockets.push(ws);
  }
}
more();
