/**
 * @module
 * The worker threads that read the parts of a file read in parts (./parallel-read.ts). A worker
 * spends its first 100 ms or so loading the code; a scan that will read a large file in parts
 * can start them before it loads its catalog (`startPartWorkers`), so that they are ready when
 * the file's parts are cut. This module loads nothing itself, so that starting them is the first
 * thing a scan does.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Files smaller than this are read in one thread (ParallelSettings.minBytes). */
export const PARTS_MIN_BYTES = 64 * 1024 * 1024;
/** Threads a file is read with by default, the scan's own included (ParallelSettings.workers). */
export const PARTS_THREADS = Math.min(4, availableParallelism());

/** Workers started ahead and not yet given a part. */
const idle: Worker[] = [];

function spawn(): Worker {
  return new Worker(new URL("./parallel-read-worker.js", import.meta.url), {
    // a smaller young generation than V8's default: 10 MiB less peak RSS a worker, no slower (1M-row log)
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
}

/** A worker for a part: one started ahead, else a new one. It reads the part it is sent (`PartRequest`). */
export function partWorker(): Worker {
  const w = idle.shift() ?? spawn();
  w.ref();
  return w;
}

/**
 * Starts `count` workers ahead (at most `PARTS_THREADS - 1` are kept waiting in all). They do
 * not keep the process alive; those no part was given to are ended by `stopIdlePartWorkers`.
 */
export function startPartWorkers(count: number): void {
  while (idle.length < count) {
    let w: Worker;
    try {
      w = spawn();
    } catch {
      return; // no worker threads here: the parts will say so, and the scan reads the file itself
    }
    w.unref();
    // a worker that fails while waiting is dropped; the scan starts another when it needs one
    w.on("error", () => {
      const at = idle.indexOf(w);
      if (at !== -1) idle.splice(at, 1);
    });
    idle.push(w);
  }
}

/**
 * Starts workers ahead (`threads - 1`) when an input is a file that is likely to be read in
 * parts: a regular file of PARTS_MIN_BYTES or more whose first line is a CSV header or a line of
 * an osqueryd results log (`likelyInParts`). A guess made before the scan has loaded its readers:
 * a wrong one costs a worker started for nothing (ended when the scan ends), never a result.
 */
export function startPartWorkersFor(inputs: readonly string[], threads = PARTS_THREADS): void {
  if (threads < 2) return;
  for (const path of inputs) {
    if (path === "-") continue;
    try {
      const stat = statSync(path);
      if (!stat.isFile() || stat.size < PARTS_MIN_BYTES || !likelyInParts(path)) continue;
    } catch {
      continue; // the scan reports it
    }
    startPartWorkers(threads - 1);
    return;
  }
}

/** Bytes of a file's head that `likelyInParts` looks at. */
const HEAD_BYTES = 4096;

/**
 * Whether a file's first line (in its first HEAD_BYTES) looks like a CSV header (a delimiter, and
 * none of JSON's or XML's first characters) or like a line of an osqueryd results log (a whole
 * JSON object with `columns` or `snapshot`). Plain UTF-8 only (no BOM of UTF-16, not gzip).
 */
export function likelyInParts(path: string): boolean {
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(path, "r");
  let length: number;
  try {
    length = readSync(fd, head, 0, HEAD_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  let text = head.toString("latin1", 0, length);
  if (text.startsWith("\xef\xbb\xbf")) text = text.slice(3);
  const nl = text.indexOf("\n");
  if (nl === -1 || /^(\x1f\x8b|\xff\xfe|\xfe\xff)/.test(text)) return false;
  const first = text.slice(0, nl).trim();
  if (first.startsWith("{")) return first.endsWith("}") && (first.includes('"columns"') || first.includes('"snapshot"'));
  return /[,;\t]/.test(first) && !/^[[<]/.test(first);
}

/** How many workers started ahead are waiting for a part. */
export function idlePartWorkers(): number {
  return idle.length;
}

/** Ends the workers started ahead that were given no part. */
export function stopIdlePartWorkers(): void {
  for (const w of idle.splice(0)) void w.terminate();
}
