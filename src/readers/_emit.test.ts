/**
 * Network log readers take a decoded chunk's lines at a time and, where the scan gives them
 * `ReadContext.emit`, hand it each observation at once instead of yielding it; so does the
 * CycloneDX JSON reader with each component's observations. Both ways must
 * give the same observations and the same issues in the same order: every fixture of each such
 * reader (real public samples, Kaspersky cases, malformed and cut-off logs) is read both ways.
 */
import assert from "node:assert/strict";
import { createReadStream, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, repoPath } from "../testing/index.js";
import { cyclonedxJsonReader } from "./cyclonedx-json/index.js";
import { dnsmasqReader } from "./dnsmasq/index.js";
import { squidReader } from "./squid/index.js";
import { suricataEveReader } from "./suricata-eve/index.js";
import type { Reader } from "./types.js";
import { windowsDnsReader } from "./windows-dns/index.js";
import { zeekReader } from "./zeek/index.js";

const READERS: [string, Reader][] = [
  ["zeek", zeekReader],
  ["suricata-eve", suricataEveReader],
  ["dnsmasq", dnsmasqReader],
  ["squid", squidReader],
  ["windows-dns", windowsDnsReader],
  ["cyclonedx-json", cyclonedxJsonReader],
];

/** Observations and issues in the order the reader gives them, with `emit` in the context or without. */
async function events(reader: Reader, path: string, withEmit: boolean): Promise<unknown[]> {
  const out: unknown[] = [];
  const ctx = { report: (i: unknown) => void out.push({ issue: i }), ...(withEmit ? { emit: (o: unknown) => void out.push({ observation: o }) } : {}) };
  const input = { path, stream: createReadStream(path), encoding: probeFile(path).encoding };
  for await (const o of reader.read(input, ctx)) out.push({ observation: o });
  return out;
}

describe("readers with emit: emitted or yielded, the same", () => {
  for (const [folder, reader] of READERS) {
    it(`${reader.name}: every fixture gives the same observations and issues, in the same order`, async () => {
      const dir = repoPath(`src/readers/${folder}/testdata`);
      const files = readdirSync(dir).filter((f) => !f.endsWith(".md"));
      assert.ok(files.length >= 3, `${dir} holds its fixtures`);
      let observations = 0;
      let issues = 0;
      for (const name of files) {
        const yielded = await events(reader, `${dir}/${name}`, false);
        assert.deepEqual(await events(reader, `${dir}/${name}`, true), yielded, name);
        for (const e of yielded) if ("issue" in (e as object)) issues++;
        observations += yielded.length;
      }
      assert.ok(observations > issues, "the fixtures give observations");
      assert.ok(issues > 0, "and issues (the malformed ones), between them");
    });
  }
});
