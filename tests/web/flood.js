#!/usr/bin/env node
// Opens many WebSocket and SSE connections to ws-serve at once (for --max-clients under
// concurrency), waits until every one is either open or refused, prints
//   websocket open A refused B
//   sse open C refused D
// and keeps the open ones until FILE exists (--hold-until FILE), then exits 0.
//   node flood.js HOST:PORT --ws N --sse N [--hold-until FILE] [--timeout S]
"use strict";
const fs = require("fs");
const http = require("http");
const WebSocket = require("ws");

const args = process.argv.slice(2);
const hostport = args.shift();
const opt = { ws: 0, sse: 0, hold: null, timeout: 60 };
while (args.length) {
  const a = args.shift();
  if (a === "--ws") opt.ws = Number(args.shift());
  else if (a === "--sse") opt.sse = Number(args.shift());
  else if (a === "--hold-until") opt.hold = args.shift();
  else if (a === "--timeout") opt.timeout = Number(args.shift());
  else { console.error("flood: unknown argument " + a); process.exit(2); }
}
const [host, port] = hostport.split(":");
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const n = { wsOpen: 0, wsRefused: 0, sseOpen: 0, sseRefused: 0, other: 0 };
const keep = [];
let settled = 0;
const total = opt.ws + opt.sse;

function settle() {
  if (++settled < total) return;
  console.log(`websocket open ${n.wsOpen} refused ${n.wsRefused}`);
  console.log(`sse open ${n.sseOpen} refused ${n.sseRefused}`);
  if (n.other) console.log(`other outcomes ${n.other}`);
  if (!opt.hold) process.exit(0);
  const poll = setInterval(() => {
    if (!fs.existsSync(opt.hold)) return;
    clearInterval(poll);
    process.exit(0);
  }, 50);
}

// Every connection is started before any answer is handled: the handshakes overlap.
for (let i = 0; i < opt.ws; i++) {
  const ws = new WebSocket(`ws://${hostport}/ws`);
  let done = false;
  const once = (f) => { if (!done) { done = true; f(); settle(); } };
  ws.on("open", () => once(() => { n.wsOpen++; keep.push(ws); }));
  ws.on("unexpected-response", (req, res) => once(() => { if (res.statusCode === 503) n.wsRefused++; else n.other++; }));
  ws.on("error", () => once(() => n.other++));
}
for (let i = 0; i < opt.sse; i++) {
  const req = http.get({ host, port, path: "/events", agent }, (res) => {
    if (res.statusCode === 200) { n.sseOpen++; keep.push(req); }
    else if (res.statusCode === 503) n.sseRefused++;
    else n.other++;
    res.resume();
    settle();
  });
  req.on("error", () => { n.other++; settle(); });
}
setTimeout(() => { console.log(`timeout: ${settled} of ${total} settled`); process.exit(1); }, opt.timeout * 1000);
