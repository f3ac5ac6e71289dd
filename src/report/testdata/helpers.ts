/**
 * @module
 * Test helpers for the report writers: render a document to a string through the real stream
 * path, and compare with a golden file (regenerate them with `UPDATE_GOLDEN=1`).
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import type { ReportDocument } from "../../model/finding.js";
import { repoPath } from "../../testing/index.js";
import { writeReport, type ReportFormat } from "../index.js";

/** Writes a report into memory, a chunk at a time as a real stream would take it. */
export async function render(format: ReportFormat, doc: ReportDocument, color = false): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  await writeReport(doc, format, out, { color });
  return Buffer.concat(chunks).toString("utf8");
}

/** Asserts that `actual` equals the golden file (sources stay in src/, tests run from dist/). */
export function assertGolden(name: string, actual: string): void {
  const path = repoPath("src/report/testdata/golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  // A checkout with CRLF line endings must not fail the comparison.
  const expected = readFileSync(path, "utf8").replace(/\r\n/g, "\n");
  assert.equal(actual, expected, `${name} differs from its golden file; run with UPDATE_GOLDEN=1 to accept the change`);
}
