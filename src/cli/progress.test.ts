/**
 * The progress bars on a terminal (a fake one: a stream that says it is a TTY): the file being
 * read is untrusted text, so an escape sequence or a bidi control in its name reaches stderr
 * escaped (the audit's item 6a: an OSC set-title, SGR and U+202E in a file name went out raw).
 */
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { createCountProgress, createProgress } from "./progress.js";

/** A stream that passes for a terminal 200 columns wide, and what was written to it. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
  Object.assign(stream, { isTTY: true, columns: 200 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join("") };
}

/** The bar's own cursor and line controls, which are not from the input. */
const BAR_CONTROLS = /\u001b(?:\[\?(?:25|7)[hl]|\[\d*[GKJ]|\[\d+;\d+H|\[\d*[ABCD]|[78])/g;

const progress = (file: string) => ({ file, fileIndex: 0, files: 1, bytesRead: 10, totalBytes: 100, observations: 3 });

describe("progress bar", () => {
  it("shows the file being read, escaped: no escape sequence or bidi control of its name reaches the terminal", () => {
    const terminal = fakeTerminal();
    const bar = createProgress(true, terminal.stream);
    const name = "esc/x\u001b]0;PWNED\u0007\u001b[31mred\u202e.csv";
    bar.update(progress(name));
    bar.stop();
    const text = terminal.text();
    assert.match(text, /scanning \[.*\] 10% \| 0 KiB\/0 KiB \| 3 observations \| esc\/xred\\u202E\.csv/);
    assert.ok(!text.includes("PWNED"), "the OSC set-title is dropped whole");
    assert.ok(!text.includes("\u202e") && !text.includes("\u0007"), "no raw U+202E or BEL");
    const rest = text.replace(BAR_CONTROLS, "");
    assert.doesNotMatch(rest, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, JSON.stringify(rest));
  });

  it("cuts a long name from the left after escaping it, so the escapes count toward the 40 characters", () => {
    const terminal = fakeTerminal();
    const bar = createProgress(true, terminal.stream);
    bar.update(progress(`/inventories/${"deep/".repeat(10)}\u202ehosts\u001b[2J.csv`));
    bar.stop();
    const shown = / \| (…[^\u001b\n]*?)\s*(?:\u001b|$)/.exec(terminal.text())?.[1];
    assert.equal(shown, "…eep/deep/deep/deep/deep/\\u202Ehosts.csv");
    assert.equal(Array.from(shown!).length, 40);
  });

  it("writes nothing when not enabled or when the stream is no terminal", () => {
    const terminal = fakeTerminal();
    const off = createProgress(false, terminal.stream);
    off.update(progress("a.csv"));
    off.stop();
    const pipe = new PassThrough();
    const chunks: Buffer[] = [];
    pipe.on("data", (c: Buffer) => chunks.push(c));
    const notTty = createCountProgress(true, "checking", "rows decided", 100, pipe as unknown as NodeJS.WriteStream);
    notTty.update(10, 1);
    notTty.stop();
    assert.equal(terminal.text(), "");
    assert.equal(chunks.length, 0);
  });
});
