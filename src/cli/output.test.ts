/**
 * printIssue: what an input puts in an issue reaches the terminal escaped and cut short, so a
 * header error never echoes megabytes of raw input (issue 13: 2 MB of NULs were printed).
 * openOutput: --output-file is written, and a file it cannot write is a usage error.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { writeText } from "../report/common.js";
import { tempDir } from "../testing/temp.js";
import { MAX_ISSUE_CHARS, openOutput, printIssue } from "./output.js";

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

describe("openOutput", () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes --output-file, its folders made, and names a file it cannot open in a usage error", async () => {
    const out = openOutput(join(dir, "new", "folder", "scan.json"));
    assert.equal(await out.write((s) => writeText(s, '{"ok":true}\n')), true);
    await out.end();
    assert.equal(readFileSync(join(dir, "new", "folder", "scan.json"), "utf8"), '{"ok":true}\n');
    const bad = openOutput(dir);
    await assert.rejects(
      bad.write((s) => writeText(s, "{}")),
      (err: Error) => err.name === "UsageError" && err.message.startsWith(`cannot write --output-file ${dir}: `) && /EISDIR/.test(err.message),
    );
  });
});
