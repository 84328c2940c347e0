// Taplo's language server (@taplo/lsp, the WebAssembly build Even Better TOML runs) over stdio.
//
// @taplo/lsp is a library: the editor extension hands it JSON-RPC messages through Node's IPC.
// This wrapper speaks the Language Server Protocol's stdio framing (Content-Length headers)
// instead, so any LSP client can drive it:  node taplo_lsp.mjs  (NODE_PATH must reach @taplo/lsp).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { TaploLsp } = require(process.env.TAPLO_LSP_MODULE || "@taplo/lsp");

function send(message) {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

const environment = {
  cwd: () => process.cwd(),
  envVar: (name) => process.env[name],
  envVars: () => Object.entries(process.env),
  findConfigFile: (from) => {
    for (const name of [".taplo.toml", "taplo.toml"]) {
      const candidate = path.join(from, name);
      if (fs.existsSync(candidate)) return candidate;
    }
    return undefined;
  },
  glob: () => [],
  isAbsolute: (p) => path.isAbsolute(p),
  now: () => new Date(),
  readFile: async (p) => fs.promises.readFile(p),
  writeFile: async (p, bytes) => fs.promises.writeFile(p, bytes),
  stderr: process.stderr,
  stdErrAtty: () => process.stderr.isTTY,
  stdin: process.stdin,
  stdout: process.stderr, // the protocol owns stdout
  urlToFilePath: (url) => fileURLToPath(url),
  fetch: { fetch, Headers, Request, Response },
};

const taplo = await TaploLsp.initialize(environment, { onMessage: send });

let buffer = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString("ascii");
    const match = /Content-Length:\s*(\d+)/i.exec(header);
    if (!match) throw new Error(`bad header: ${header}`);
    const length = Number(match[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString("utf8"));
    buffer = buffer.subarray(end + 4 + length);
    if (message.method === "exit") process.exit(0);
    taplo.send(message);
  }
});
process.stdin.on("end", () => process.exit(0));
