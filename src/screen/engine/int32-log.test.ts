/**
 * The name-key log of a large index build: the values pushed come back from the last to the
 * first, whole, held in memory or written to a temporary file, and the file is gone after.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, before, describe, it } from "node:test";
import { tempDir } from "../../testing/temp.js";
import { Int32Log } from "./int32-log.js";

const spillDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith("ictsguard-index-")).sort();

// A temporary folder of this file's own (os.tmpdir() reads TMPDIR each time): a test beside it
// that builds a large screening index spills into the shared one meanwhile (CI saw its folder here).
const sharedTmp = process.env.TMPDIR;
const ownTmp = tempDir("ictsguard-int32log-test-");
before(() => {
  process.env.TMPDIR = ownTmp;
});
after(() => {
  if (sharedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = sharedTmp;
});

describe("Int32Log", () => {
  for (const toFile of [false, true]) {
    it(`gives back every value, the last first (${toFile ? "in a temporary file" : "in memory"})`, () => {
      const before = spillDirs();
      const log = new Int32Log(toFile);
      try {
        check(log, toFile, before.length);
      } finally {
        log.close();
      }
      assert.deepEqual(spillDirs(), before);
    });
  }
});

/** Pushes 2^21 + 12,345 values and reads them back from the last; a file log has its folder meanwhile. */
function check(log: Int32Log, toFile: boolean, dirsBefore: number): void {
  if (toFile) assert.equal(spillDirs().length, dirsBefore + 1);
  // two full chunks of 2^20 and part of a third; negative values are kept as they are
  const n = 2 * (1 << 20) + 12_345;
  for (let i = 0; i < n; i++) log.push((i * 2654435761) | 0);
  assert.equal(log.length, n);
  let i = n;
  let chunks = 0;
  log.forEachChunkReverse((values, count) => {
    chunks++;
    for (let k = count - 1; k >= 0; k--) {
      i--;
      if (values[k] !== ((i * 2654435761) | 0)) assert.fail(`value ${i}: ${values[k]}`);
    }
  });
  assert.equal(i, 0);
  assert.equal(chunks, 3);
}
