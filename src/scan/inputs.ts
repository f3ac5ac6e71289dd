/**
 * @module
 * Turning what the user named (files, directories, `-` for standard input) into byte streams
 * with a probe of their first bytes: directories are walked in sorted order, gzip is removed
 * transparently, and every byte read is counted for the progress bar. Zip archives among them
 * are opened by `archive.ts`.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { decodeHead, sniffEncoding } from "../readers/_text.js";
import type { Probe, TextEncoding } from "../readers/types.js";

export const PROBE_BYTES = 64 * 1024;
/** Folders never worth walking into. */
const SKIP_DIRS = new Set([".git", "node_modules", ".svn", ".hg"]);

export type InputFile = {
  /** As shown in reports: the path as given or found under a given directory; `-` for stdin. */
  path: string;
  /** Found by walking a directory (an unknown format there is skipped with a warning, not an error). */
  discovered: boolean;
  size?: number;
};

export type ExpandProblem = { path: string; message: string };

/** Expands directories recursively (sorted); returns the files and the names that do not exist. */
export async function expandInputs(inputs: readonly string[]): Promise<{ files: InputFile[]; problems: ExpandProblem[] }> {
  const files: InputFile[] = [];
  const problems: ExpandProblem[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && !entry.name.startsWith(".")) {
        files.push({ path: full, discovered: true, size: (await stat(full)).size });
      }
    }
  };
  for (const input of inputs) {
    if (input === "-") {
      files.push({ path: "-", discovered: false });
      continue;
    }
    try {
      const s = await stat(input);
      if (s.isDirectory()) await walk(input);
      else files.push({ path: input, discovered: false, size: s.size });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path: input, message: code === "ENOENT" ? "no such file or directory" : (err as Error).message });
    }
  }
  return { files, problems };
}

export type OpenedInput = { probe: Probe; stream: Readable; encoding: TextEncoding; gzipped: boolean };

/**
 * Opens an input: reads its first bytes for detection and returns a stream that replays them,
 * so that standard input (which can be read only once) works like a file.
 */
export async function openInput(file: InputFile, stdin: Readable, onBytes: (n: number) => void): Promise<OpenedInput> {
  const raw: Readable = file.path === "-" ? stdin : createReadStream(file.path);
  return openStream(file.path, Readable.from(countBytes(raw, onBytes), { objectMode: false }));
}

/** The same for any byte stream (an entry of a zip archive): probe, gunzip, sniff the encoding. */
export async function openStream(path: string, raw: Readable): Promise<OpenedInput> {
  let { head, stream } = await peek(raw, PROBE_BYTES);
  let gzipped = false;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    gzipped = true;
    // pipeline, not pipe: a reader that stops early then closes the compressed source too
    const gunzip = createGunzip();
    pipeline(stream, gunzip, () => {});
    ({ head, stream } = await peek(gunzip, PROBE_BYTES));
  }
  const encoding = sniffEncoding(head);
  return { probe: { path, head, encoding, text: decodeHead(head, encoding) }, stream, encoding, gzipped };
}

async function* countBytes(stream: Readable, onBytes: (n: number) => void): AsyncIterable<Buffer> {
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    onBytes(buf.length);
    yield buf;
  }
}

/** Reads up to `size` bytes; the returned stream yields them again, then the rest. */
export async function peek(stream: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    length += r.value.length;
  }
  const buffered = Buffer.concat(chunks);
  let finished = done;
  async function* replay(): AsyncIterable<Buffer> {
    if (buffered.length > 0) yield buffered;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  }
  const out = Readable.from(replay(), { objectMode: false });
  // Destroyed before its end (a reader gave up, or the format is unknown): close the source
  // too, or the file (or the zip archive holding this entry) would stay open. Readable.from
  // cannot do it when the replay never started.
  out.once("close", () => {
    if (!finished) it.return?.().catch(() => {});
  });
  return { head: buffered.subarray(0, size), stream: out };
}
