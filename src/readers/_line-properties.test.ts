/**
 * Property-based tests (fast-check) of every line-oriented reader, through the real scan with the
 * bundled catalog (issue 13):
 *
 * 1. Arbitrary lines never throw out of the scan, and every error they cause is located (a line,
 *    record or pointer, or a problem of the whole input): the fuzz harness's own judgement
 *    (src/fuzz/run-case.ts), outcome `ok` or `located`.
 * 2. Never a false clean: arbitrary junk lines planted before the record of a fixture that names
 *    Kaspersky either leave that finding in place or cause an error. A silent miss (no finding,
 *    no error) fails.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { Issue } from "../model/issue.js";
import { runScan } from "../scan/index.js";
import { parseAsOf } from "../policy/time.js";
import { runCase } from "../fuzz/run-case.js";
import { repoPath } from "../testing/index.js";

/** The line-oriented readers and their folders (src/readers/<folder>/testdata). */
const LINE_READERS: readonly [reader: string, folder: string][] = [
  ["inventory/csv", "csv"],
  ["network/dnsmasq", "dnsmasq"],
  ["linux/dpkg-list", "dpkg-list"],
  ["linux/dpkg-status", "dpkg-status"],
  ["osquery", "osquery"],
  ["linux/rpm-list", "rpm-list"],
  ["sbom/spdx-tag-value", "spdx-tag-value"],
  ["network/squid", "squid"],
  ["network/suricata-eve", "suricata-eve"],
  ["network/windows-dns", "windows-dns"],
  ["windows/reg", "windows-reg"],
  ["windows/wmic", "wmic"],
  ["network/zeek", "zeek"],
];

/** Lines as they come in broken and hostile files: any text, and the characters formats give meaning to. */
const junkLine = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('"', "'", ",", ";", "\t", " ", "\\", "{", "}", "[", "]", "<", ">", ":", "=", "#", "\0", "\r", "\u202e", "\u001b", "a", "1", "-"), maxLength: 120 }),
  fc.constantFrom("", " ", "\t", '"', '""', "{", "[", "Package:", "Status: install ok installed", "[HKEY_LOCAL_MACHINE\\x]", '"DisplayName"="', "#fields\tts", "PackageName:", "Node", "ii", "+++-====", "\uFEFF"),
);
const junkLines = fc.array(junkLine, { minLength: 1, maxLength: 12 });

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalogOrThrow();
});

async function scan(reader: string, text: string): Promise<{ products: string[]; errors: Issue[] }> {
  const errors: Issue[] = [];
  const report = await runScan({
    inputs: ["-"],
    stdin: Readable.from([Buffer.from(text)]),
    inputFormat: reader,
    catalog,
    profile: "business",
    asOf: parseAsOf("2025-01-01"),
    today: "2025-01-01",
    onIssue: (i) => {
      if (i.severity === "error") errors.push(i);
    },
  });
  return { products: report.findings.map((f) => f.product), errors };
}

/** A fixture of the reader that names Kaspersky and scans with a Kaspersky finding and no error; its lines, and where its Kaspersky record starts. */
async function kasperskySeed(reader: string, folder: string): Promise<{ lines: string[]; at: number; file: string } | undefined> {
  const dir = repoPath("src", "readers", folder, "testdata");
  for (const name of readdirSync(dir).sort()) {
    if (/\.(md|gz|zip)$/i.test(name)) continue;
    const text = readFileSync(join(dir, name), "utf8");
    if (!/kaspersky/i.test(text) || text.includes("\r")) continue;
    const { products, errors } = await scan(reader, text);
    if (errors.length > 0 || !products.some((p) => p.startsWith("kaspersky"))) continue;
    const lines = text.split("\n");
    const k = lines.findIndex((l) => /kaspersky/i.test(l));
    // the start of the record holding it: the line itself, or the blank line that opens its paragraph (dpkg status, .reg keys, SPDX tag-value packages)
    let at = k;
    for (let i = k; i > 0; i--) {
      if (lines[i - 1]!.trim() === "") {
        at = i;
        break;
      }
      if (i === 1 || k - i > 40) break;
    }
    const paragraphs = lines.slice(0, k).some((l) => l.trim() === "") && at !== k;
    return { lines, at: paragraphs ? at : k, file: name };
  }
  return undefined;
}

describe("line readers: properties (fast-check)", () => {
  for (const [reader, folder] of LINE_READERS) {
    it(`${reader}: arbitrary lines give ok or located errors, never an exception or an unlocated error`, async () => {
      await fc.assert(
        fc.asyncProperty(junkLines, async (lines) => {
          const result = await runCase(`reader:${reader}`, Buffer.from(lines.join("\n")), { catalog });
          assert.ok(result.outcome === "ok" || result.outcome === "located", `${result.outcome}: ${result.detail ?? ""}`);
        }),
        { numRuns: 40, seed: 13 },
      );
    });
  }

  it("never a false clean: junk lines before a Kaspersky record leave its finding or cause an error, for every line reader with such a fixture", async () => {
    const seeded: string[] = [];
    for (const [reader, folder] of LINE_READERS) {
      const seed = await kasperskySeed(reader, folder);
      if (!seed) continue;
      seeded.push(reader);
      await fc.assert(
        fc.asyncProperty(junkLines, fc.boolean(), async (junk, blank) => {
          // after the junk, a blank line where the format has paragraphs, so the junk ends its own record
          const planted = [...seed.lines.slice(0, seed.at), ...junk, ...(blank ? [""] : []), ...seed.lines.slice(seed.at)].join("\n");
          const { products, errors } = await scan(reader, planted);
          assert.ok(
            products.some((p) => p.startsWith("kaspersky")) || errors.length > 0,
            `${reader} (${seed.file}): the Kaspersky record after ${JSON.stringify(junk)} was silently missed`,
          );
        }),
        { numRuns: 30, seed: 13 },
      );
    }
    // every line reader but those whose fixtures name Kaspersky only inside an error case
    assert.ok(seeded.length >= 10, `only ${seeded.length} line readers have a clean Kaspersky fixture: ${seeded.join(", ")}`);
  });
});
