/**
 * @module
 * The fuzz worker thread: loads the bundled catalog once, then runs the cases it is sent, one at
 * a time. It is run with a heap limit and terminated from outside when a case overruns its time
 * budget (a synchronous regular expression cannot be interrupted any other way).
 */
import { readlinkSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { runCase, type CaseEnv } from "./run-case.js";

export type CaseMessage = { id: number; target: string; bytes: Uint8Array };

const port = parentPort;
if (!port) throw new Error("src/fuzz/worker.ts runs as a worker thread");
const env: Promise<CaseEnv> = loadCatalogOrThrow().then((catalog) => ({ catalog }));
port.on("message", (msg: CaseMessage) => {
  void (async () => {
    const started = performance.now();
    const result = await runCase(msg.target, Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength), await env);
    port.postMessage({ id: msg.id, result, ms: performance.now() - started });
  })();
});
// this thread's /proc entry (Linux), so the pool can budget the CPU time of this thread alone
let thread: string | undefined;
try {
  thread = readlinkSync("/proc/thread-self");
} catch {
  thread = undefined;
}
port.postMessage({ ready: true, ...(thread ? { thread: thread.startsWith("/") ? thread : `/proc/${thread}` } : {}) });
