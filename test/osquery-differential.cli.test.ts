/**
 * An osqueryd differential results log through the real CLI: a row logged `added` and later
 * `removed` is gone from its host (Kaspersky uninstalled, as in the September 2024 move to
 * UltraAV), so it is no finding; a `removed` row whose `added` row is in an earlier, rotated log
 * takes nothing back, nor does one process of two ending. Fixture:
 * src/readers/osquery/testdata/results-uninstalled.log (hand-made, see its README).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const LOG = repoPath("src/readers/osquery/testdata/results-uninstalled.log");

function scan(file: string): { code: number; doc: ReportDocument } {
  const r = spawnSync(process.execPath, [BIN, "scan", file, "--quiet", "-o", "json", "--as-of", "2024-10-01"], {
    cwd: tempDir("ictsguard-cwd-"),
    encoding: "utf8",
  });
  return { code: r.status ?? -1, doc: JSON.parse(r.stdout) as ReportDocument };
}

describe("osqueryd differential logs through the CLI", () => {
  it("a product added and later removed on a host is no finding; one still there is", () => {
    const { code, doc } = scan(LOG);
    assert.deepEqual(
      doc.findings.map((f) => [f.observation.host, f.product, f.status, f.count]).sort(),
      [
        ["WS-0302", "kaspersky-total-security", "unsupported", 1], // never removed
        ["WS-0303", "kaspersky-internet-security", "unsupported", 1], // removed in a rotated log's time, installed again
        ["WS-0304", "kaspersky-unidentified", "unsupported", 1], // avp.exe 200 still runs after 100 ended
      ],
    );
    // WS-0301's Kaspersky Total Security and srv-lin-01's klnagent64 were removed: no finding, nor their products
    assert.ok(!doc.products.some((p) => p.id === "kaspersky-security-center"));
    // removed rows are no observations: the 9 added rows are
    assert.equal(doc.summary.observations, 9);
    assert.equal(code, 1);
  });

  it("a log of hosts that removed Kaspersky exits 0 with no finding", () => {
    const lines = readFileSync(LOG, "utf8").split("\n").filter((l) => /"hostIdentifier":"(WS-0301|srv-lin-01)"/.test(l));
    assert.equal(lines.length, 6);
    const file = join(tempDir(), "uninstalled.log");
    writeFileSync(file, lines.join("\n") + "\n");
    const { code, doc } = scan(file);
    assert.deepEqual(doc.findings, []);
    assert.deepEqual(doc.summary.byStatus, { prohibited: 0, unsupported: 0, deadline: 0, review: 0 });
    assert.equal(code, 0);
  });
});
