// Reference broadcast server for bench/web/broadcast.sh, written the way a node user would:
// the `ws` package, readline over stdin, and send(line) to every open client.
//   node ref_server.js PORT
"use strict";
const readline = require("readline");
const { WebSocketServer, WebSocket } = require("ws");
const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(process.argv[2]) });
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(line);
});
rl.on("close", () => process.exit(0));  // stdin ended: the benchmark is over
process.on("SIGTERM", () => process.exit(0));
