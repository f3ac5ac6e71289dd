/**
 * printIssue: what an input puts in an issue reaches the terminal escaped and cut short, so a
 * header error never echoes megabytes of raw input (issue 13: 2 MB of NULs were printed).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_ISSUE_CHARS, printIssue } from "./output.js";

function captured(fn: () => void): string {
  const write = process.stderr.write;
  let out = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

describe("printIssue", () => {
  it("cuts a 2 MB message of NULs and escapes to a short line, says how much was left out, and passes no control character", () => {
    const message = `bad header: "${"\u0000".repeat(1_000_000)}\u001b[2J\u202e${"x".repeat(1_000_000)}"`;
    const file = `inv\u001b]0;title\u0007.csv`;
    const line = captured(() => printIssue({ code: "csv/header", severity: "error", message, source: { file, line: 1 } }));
    assert.ok(line.length < 2 * MAX_ISSUE_CHARS + 200, `${line.length} characters`);
    assert.match(line, /\.\.\. \(\d+ more characters\)\n$/);
    assert.doesNotMatch(line.slice(0, -1), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    assert.match(line, /^ictsguard: error: inv.*\.csv:1: bad header/);
  });

  it("leaves a short message whole", () => {
    const line = captured(() => printIssue({ code: "x/y", severity: "warning", message: "a short \u202e message", source: { file: "f.csv" } }));
    assert.equal(line, "ictsguard: warning: f.csv: a short \\u202E message\n");
  });
});
