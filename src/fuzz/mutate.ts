/**
 * @module
 * Mutations of a seed input, each a small function of bytes → bytes: the kinds of damage real
 * inventories suffer (truncation, flipped bits, swapped or repeated lines, wrong encodings) and
 * the kinds an attacker builds (huge lines and fields, quote storms, deep nesting, long
 * whitespace runs, NUL floods), and wrapping in gzip or zip. A case applies one to three.
 */
import { gzipSync } from "node:zlib";
import type { Rng } from "./rng.js";

export type Mutation = { name: string; apply(input: Buffer, rng: Rng, size: SizeLimits): Buffer | Promise<Buffer> };

/** How large a generated run may be: the smoke test keeps cases small, the campaign goes up to megabytes. */
export type SizeLimits = { maxRun: number };

const enc = (s: string): Buffer => Buffer.from(s, "utf8");

function splitLines(b: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) {
      lines.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < b.length) lines.push(b.subarray(start));
  return lines;
}

function insertAt(b: Buffer, at: number, piece: Buffer): Buffer {
  return Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
}

function runLength(rng: Rng, size: SizeLimits): number {
  // mostly short, sometimes up to the limit: long runs are where quadratic code shows
  const r = rng.next();
  if (r < 0.5) return 1 + rng.int(256);
  if (r < 0.8) return 256 + rng.int(64 * 1024);
  return Math.max(1, rng.int(size.maxRun));
}

/** Inserts text at a random position (inside a field most of the time, since positions are uniform). */
function insertRun(piece: (n: number, rng: Rng) => Buffer): Mutation["apply"] {
  return (b, rng, size) => insertAt(b, rng.int(b.length + 1), piece(runLength(rng, size), rng));
}

export const MUTATIONS: readonly Mutation[] = [
  {
    name: "bit-flip",
    apply: (b, rng) => {
      const out = Buffer.from(b);
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    },
  },
  {
    name: "byte-set",
    apply: (b, rng) => {
      const out = Buffer.from(b);
      const special = [0x00, 0x22, 0x27, 0x2c, 0x0a, 0x0d, 0x7b, 0x7d, 0x5b, 0x5d, 0x3c, 0x3e, 0xff, 0xc3, 0x09, 0x3a, 0x3d, 0x5c];
      const n = 1 + rng.int(16);
      for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] = rng.pick(special);
      return out;
    },
  },
  { name: "truncate", apply: (b, rng) => b.subarray(0, rng.int(b.length + 1)) },
  { name: "cut-head", apply: (b, rng) => b.subarray(rng.int(b.length + 1)) },
  {
    name: "line-swap",
    apply: (b, rng) => {
      const lines = splitLines(b);
      if (lines.length < 2) return b;
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return Buffer.concat(lines);
    },
  },
  {
    name: "line-delete",
    apply: (b, rng) => {
      const lines = splitLines(b);
      lines.splice(rng.int(lines.length), 1 + rng.int(3));
      return Buffer.concat(lines);
    },
  },
  {
    name: "line-repeat",
    apply: (b, rng, size) => {
      const lines = splitLines(b);
      if (lines.length === 0) return b;
      const i = rng.int(lines.length);
      const line = lines[i]!;
      const times = Math.min(1 + rng.int(2000), Math.floor(size.maxRun / Math.max(1, line.length)) + 1);
      lines.splice(i, 0, ...Array<Buffer>(times).fill(line));
      return Buffer.concat(lines);
    },
  },
  { name: "huge-field", apply: insertRun((n, rng) => Buffer.alloc(n, rng.pick(["A", "k", "0", "-", "é"]))) },
  {
    name: "huge-line",
    apply: (b, rng, size) => {
      const lines = splitLines(b);
      const at = rng.int(lines.length + 1);
      const n = runLength(rng, size);
      lines.splice(at, 0, Buffer.concat([Buffer.alloc(n, "x"), enc(rng.chance(0.5) ? "\n" : "")]));
      return Buffer.concat(lines);
    },
  },
  { name: "quote-storm", apply: insertRun((n, rng) => Buffer.alloc(n, rng.pick(['"', '""', '"a', "'", '\\"']))) },
  { name: "whitespace-run", apply: insertRun((n, rng) => Buffer.alloc(n, rng.pick([" ", "\t", " \t", "\r", "\r\n", "\n"]))) },
  {
    name: "deep-nesting",
    apply: (b, rng, size) => {
      const depth = Math.min(runLength(rng, size), 200_000);
      const [open, close] = rng.pick([
        ["[", "]"],
        ['{"a":', "}"],
        ["<a>", "</a>"],
        ["<component>", "</component>"],
        ["<dict><key>a</key>", "</dict>"],
        ["<array>", "</array>"],
        ["(", ")"],
      ] as const);
      const closed = rng.chance(0.5);
      const piece = Buffer.concat([Buffer.from(open.repeat(depth)), closed ? Buffer.from(close.repeat(depth)) : Buffer.alloc(0)]);
      return insertAt(b, rng.int(b.length + 1), piece);
    },
  },
  { name: "nul-bytes", apply: insertRun((n) => Buffer.alloc(n, 0)) },
  {
    name: "invalid-utf8",
    apply: (b, rng) => {
      const bad = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x90, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf])];
      let out = b;
      const n = 1 + rng.int(8);
      for (let i = 0; i < n; i++) out = insertAt(out, rng.int(out.length + 1), rng.pick(bad));
      return out;
    },
  },
  {
    name: "utf16",
    apply: (b, rng) => {
      const text = b.toString("utf8");
      const kind = rng.int(4);
      if (kind === 0) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
      if (kind === 1) return Buffer.from(text, "utf16le");
      if (kind === 2) {
        const le = Buffer.from(text, "utf16le");
        return Buffer.concat([Buffer.from([0xff, 0xfe]), le.subarray(0, le.length - 1 - rng.int(3))]); // odd length
      }
      const be = Buffer.from(text, "utf16le").swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    },
  },
  {
    name: "lone-surrogates",
    apply: (b, rng) => {
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString("utf8"), "utf16le")]);
      const out = Buffer.from(le);
      for (let i = 0; i < 4 && out.length > 4; i++) {
        const at = 2 + 2 * rng.int((out.length - 2) >> 1);
        out[at] = 0x00;
        if (at + 1 < out.length) out[at + 1] = rng.pick([0xd8, 0xdc]);
      }
      return out;
    },
  },
  {
    name: "splice-tokens",
    apply: (b, rng) => {
      const tokens = ["kaspersky", "Kaspersky Lab", "AO Kaspersky Lab", "pkg:npm/kaspersky@1", "cpe:2.3:a:kaspersky:anti-virus:*", "\\u0000", "%00", "&#0;", "&amp;", "]]>", "<!--", "-->", "<?xml", "<!DOCTYPE a [<!ENTITY e \"x\">]>", "&e;", "\\", "\\\\\\", "\"\"\"", "\u202e", "\u001b[31m", "null", "true", "1e999999", "-0", "NaN", "0x7fffffff", "9".repeat(400)];
      let out = b;
      const n = 1 + rng.int(5);
      for (let i = 0; i < n; i++) out = insertAt(out, rng.int(out.length + 1), enc(rng.pick(tokens)));
      return out;
    },
  },
  {
    name: "chunk-duplicate",
    apply: (b, rng) => {
      if (b.length === 0) return b;
      const start = rng.int(b.length);
      const end = Math.min(b.length, start + 1 + rng.int(4096));
      return insertAt(b, rng.int(b.length + 1), b.subarray(start, end));
    },
  },
  { name: "gzip", apply: (b) => gzipSync(b) },
  {
    name: "gzip-truncated",
    apply: (b, rng) => {
      const z = gzipSync(b);
      return z.subarray(0, Math.max(10, rng.int(z.length)));
    },
  },
  { name: "zip", apply: (b, rng) => zipOf([["inventory" + rng.pick([".csv", ".json", ".xml", ".log", ".txt", ""]), b]]) },
  {
    name: "zip-nested",
    apply: async (b) => zipOf([["inner.zip", await zipOf([["x.json", b]])], ["after.csv", b]]),
  },
];

/** A zip holding the given entries (yazl, deflated). */
export async function zipOf(entries: readonly (readonly [string, Buffer])[]): Promise<Buffer> {
  const { ZipFile } = await import("yazl");
  const zip = new ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Wrapping mutations go last (a gzip of a mutated file, not a mutated gzip, most of the time). */
const WRAPPERS = new Set(["gzip", "gzip-truncated", "zip", "zip-nested"]);

/**
 * Mutates a seed with one to three mutations; returns the bytes and the names applied. A result
 * over `maxBytes` is cut, so a case stays small enough to keep and replay.
 */
export async function mutate(seed: Buffer, rng: Rng, size: SizeLimits & { maxBytes: number; wrappers: boolean }): Promise<{ bytes: Buffer; kinds: string[] }> {
  const plain = MUTATIONS.filter((m) => !WRAPPERS.has(m.name));
  const wrappers = MUTATIONS.filter((m) => WRAPPERS.has(m.name));
  const kinds: string[] = [];
  let bytes = seed;
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const m = rng.pick(plain);
    kinds.push(m.name);
    bytes = await m.apply(bytes, rng, size);
    if (bytes.length > size.maxBytes) bytes = bytes.subarray(0, size.maxBytes);
  }
  if (size.wrappers && rng.chance(0.12)) {
    const w = rng.pick(wrappers);
    kinds.push(w.name);
    bytes = await w.apply(bytes, rng, size);
  }
  return { bytes, kinds };
}
