/**
 * Look-alike rows that repeat (the same program on many hosts) are counted, not rebuilt, once the
 * report keeps no more look-alikes (`ReadContext.repeat`, `Scanner.repeat`). The report must be
 * exactly the one the full path gives: a CSV of 3,000 rows (look-alikes on many hosts, restricted
 * products among them, devices named by their host cell, rows that warn) scanned by `runScan`
 * gives the same document as the reader's full path (no prefilter, no emit) fed to a scanner.
 */
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { ReportDocument } from "../model/finding.js";
import { parseAsOf } from "../policy/time.js";
import { csvReader } from "../readers/csv/index.js";
import { tempDir } from "../testing/temp.js";
import { runScan } from "./index.js";
import { createScanner } from "./scanner.js";

let catalog: Catalog;
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
before(async () => {
  catalog = await loadCatalogOrThrow();
});

const LOOKALIKES = ["Telegram Desktop,Telegram FZ-LLC", "Dr.Web Security Space,Doctor Web", "Microsoft Defender Antivirus,Microsoft Corporation", "UltraAV,Pango", "ksnip,Damir Porobic"];

function rows(): string[] {
  const out = ["host,kind,name,vendor,version,path,identifier"];
  for (let i = 0; i < 3000; i++) {
    const host = `ws-${i % 97}`;
    if (i % 250 === 7) out.push(`${host},software,Kaspersky Endpoint Security for Windows,AO Kaspersky Lab,12.${i},C:\\Program Files\\Kaspersky Lab\\,`);
    // a device named by its host cell: the host decides the match (a look-alike, or Hikvision)
    else if (i % 300 === 11) out.push(`${i % 600 === 11 ? "Hikvision DS-2CD2143G0-I" : "Telegram Desktop"},device,,,1.0,,`);
    else if (i % 500 === 13) out.push(`${host},software,Telegram Desktop ???,Telegram FZ-LLC,1.${i},,`);
    else out.push(`${host},software,${LOOKALIKES[i % LOOKALIKES.length]},${i % 10}.${i},C:\\Program Files\\App ${i % 3}\\,`);
  }
  return out;
}

/** The document without what differs between two runs by design (the time it was made). */
function comparable(doc: ReportDocument): unknown {
  return { ...doc, generatedAt: undefined };
}

describe("scan: repeated look-alike rows", () => {
  it("gives the report the full path gives", async () => {
    const path = join(dir, "fleet.csv");
    const text = rows().join("\n") + "\n";
    writeFileSync(path, text);
    const asOf = parseAsOf("2025-06-01");
    const fast = await runScan({ inputs: [path], catalog, profile: "business", asOf });

    const scanner = createScanner({ catalog, profile: "business", asOf });
    scanner.input(path);
    for await (const o of csvReader.read({ path, stream: Readable.from([Buffer.from(text)]), encoding: "utf-8" }, { report: (i) => scanner.issue(i) })) {
      o.source.reader = csvReader.name;
      scanner.add(o);
    }
    const full = await scanner.finish();

    assert.ok(full.summary.lookalikes > 2000, `${full.summary.lookalikes} look-alikes`);
    assert.equal(full.lookalikes.length, 1000, "the report keeps 1,000 of them");
    assert.ok(full.findings.length >= 2, "restricted products are found among them");
    assert.deepEqual(comparable(fast), comparable(full));
  });

  it("counts a repeat only for a key last seen as a look-alike alone, and only once the report keeps no more", () => {
    const scanner = createScanner({ catalog, profile: "business", asOf: "2025-06-01" });
    const telegram = { kind: "software", name: "Telegram Desktop", vendor: "Telegram FZ-LLC" } as const;
    scanner.add({ ...telegram, source: { file: "t", line: 1 } }, "k-telegram");
    scanner.add({ kind: "software", name: "Kaspersky Total Security", source: { file: "t", line: 2 } }, "k-kaspersky");
    assert.equal(scanner.repeat("k-telegram"), false, "the report still keeps look-alikes");
    for (let i = 0; i < 1000; i++) scanner.add({ ...telegram, host: `h-${i}`, source: { file: "t", line: 3 + i } });
    assert.equal(scanner.repeat("k-kaspersky"), false, "a match is never a repeat");
    assert.equal(scanner.repeat("k-unknown"), false);
    const before = scanner.observations;
    assert.equal(scanner.repeat("k-telegram"), true);
    assert.equal(scanner.observations, before + 1);
  });
});
