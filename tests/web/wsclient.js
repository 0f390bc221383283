#!/usr/bin/env node
// WebSocket test client for ws-serve (node, the pinned `ws` package).
//
//   node wsclient.js URL [options]
//     --clients N       open N connections (default 1)
//     --expect N        exit once every client got N readings (messages with "sensor")
//     --timeout S       give up after S seconds (default 20): exit 1
//     --send JSON       send this text after connecting (repeatable, in order)
//     --ready FILE      create FILE once every client is connected and registered (it got the
//                       server's hello, sent once it broadcasts to the client; --no-read and
//                       --pause-until clients count as soon as they are connected)
//     --no-read         never read from the socket (a client that does not keep up)
//     --pause-until FILE  do not read from the socket until FILE exists, then read on
//     --until TEXT      exit once any client got a message containing TEXT
//     --header K:V      extra handshake header (repeatable); --origin O sets Origin
//     --print           print every message received by client 0, one per line
//     --wait-close      exit when the server closes the connection; print "close CODE REASON"
//     --insecure        accept any TLS certificate (wss:// to a self-signed test server)
// Prints "client I: N readings" per client at the end, plus "order ok" when every
// client saw the readings in the same order as client 0.
"use strict";
const fs = require("fs");
const WebSocket = require("ws");

const args = process.argv.slice(2);
const url = args.shift();
const opt = { clients: 1, expect: null, timeout: 20, send: [], ready: null, noRead: false, headers: {}, print: false,
              waitClose: false, origin: undefined, insecure: false, pauseUntil: null, until: null };
while (args.length) {
  const a = args.shift();
  if (a === "--clients") opt.clients = Number(args.shift());
  else if (a === "--expect") opt.expect = Number(args.shift());
  else if (a === "--timeout") opt.timeout = Number(args.shift());
  else if (a === "--send") opt.send.push(args.shift());
  else if (a === "--ready") opt.ready = args.shift();
  else if (a === "--no-read") opt.noRead = true;
  else if (a === "--pause-until") opt.pauseUntil = args.shift();
  else if (a === "--until") opt.until = args.shift();
  else if (a === "--header") { const h = args.shift(); const i = h.indexOf(":"); opt.headers[h.slice(0, i)] = h.slice(i + 1).trim(); }
  else if (a === "--origin") opt.origin = args.shift();
  else if (a === "--print") opt.print = true;
  else if (a === "--wait-close") opt.waitClose = true;
  else if (a === "--insecure") opt.insecure = true;
  else { console.error("wsclient: unknown argument " + a); process.exit(2); }
}

const counts = new Array(opt.clients).fill(0);
const firsts = [];   // client 0's order, by reading text
const orderOk = new Array(opt.clients).fill(true);
let open = 0, done = false;

function finish(code) {
  if (done) return;
  done = true;
  counts.forEach((n, i) => console.log(`client ${i}: ${n} readings`));
  if (opt.clients > 1 && orderOk.every(Boolean)) console.log("order ok");
  process.exit(code);
}

function check() {
  if (opt.expect !== null && counts.every((n) => n >= opt.expect)) finish(0);
}

for (let i = 0; i < opt.clients; i++) {
  const ws = new WebSocket(url, { headers: opt.headers, origin: opt.origin, maxPayload: 256 << 20,
                               rejectUnauthorized: !opt.insecure });
  const seen = [];
  ws.on("open", () => {
    if (opt.noRead || opt.pauseUntil) ws._socket.pause();  // stop reading: the server's queue for us fills up
    if (opt.pauseUntil) {
      const poll = setInterval(() => {
        if (!fs.existsSync(opt.pauseUntil)) return;
        clearInterval(poll);
        ws._socket.resume();
      }, 50);
    }
    for (const s of opt.send) ws.send(s);
    if (opt.noRead || opt.pauseUntil) ready();
  });
  let registered = false;
  function ready() {
    if (registered) return;
    registered = true;
    if (++open === opt.clients && opt.ready) fs.writeFileSync(opt.ready, "ready\n");
  }
  ws.on("message", (data) => {
    const text = data.toString();
    ready();
    if (opt.print && i === 0) console.log(text);
    if (opt.until !== null && text.includes(opt.until)) {
      if (text.startsWith('{"sensor"')) counts[i]++;
      return finish(0);
    }
    if (!text.startsWith('{"sensor"')) return;
    if (i === 0) firsts.push(text);
    else if (firsts.length > counts[i] && firsts[counts[i]] !== text) orderOk[i] = false;
    counts[i]++;
    check();
  });
  ws.on("unexpected-response", (req, res) => {
    console.log(`refused ${res.statusCode}`);
    process.exit(3);
  });
  ws.on("close", (code, reason) => {
    if (opt.waitClose) { console.log(`close ${code} ${reason}`); finish(0); }
  });
  ws.on("error", (e) => { if (!opt.waitClose) console.error("wsclient: " + e.message); });
}
setTimeout(() => finish(1), opt.timeout * 1000);
