/**
 * @module
 * A log of 32-bit values written once and read back once, from the last to the first: the name
 * keys of a screening index while its names are read (candidate-index.ts). Held in memory in
 * chunks, or, for a list of millions of names, written to a temporary file a chunk at a time,
 * so that the eight million keys of two million names (32 MB) are not in memory while the
 * index they are sorted into is made (the peak a large list's build reaches).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CHUNK = 1 << 20;

export class Int32Log {
  private readonly chunks: Int32Array[] = [];
  /** The chunk being filled (the last of `chunks` in memory; the only one when spilling). */
  private current = new Int32Array(CHUNK);
  private inCurrent = 0;
  private spill: { dir: string; fd: number; chunks: number } | undefined;
  length = 0;

  /** `toFile`: write full chunks to a temporary file instead of keeping them. */
  constructor(toFile: boolean) {
    if (toFile) {
      const dir = mkdtempSync(join(tmpdir(), "ictsguard-index-"));
      try {
        this.spill = { dir, fd: openSync(join(dir, "keys.bin"), "w+", 0o600), chunks: 0 };
      } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  push(x: number): void {
    if (this.inCurrent === CHUNK) this.flush();
    this.current[this.inCurrent++] = x;
    this.length++;
  }

  private flush(): void {
    if (this.spill) {
      const bytes = new Uint8Array(this.current.buffer, 0, CHUNK * 4);
      for (let done = 0; done < bytes.length; ) done += writeSync(this.spill.fd, bytes, done, bytes.length - done, this.spill.chunks * CHUNK * 4 + done);
      this.spill.chunks++;
    } else {
      this.chunks.push(this.current);
      this.current = new Int32Array(CHUNK);
    }
    this.inCurrent = 0;
  }

  /** Calls `fn` with each chunk of values and how many it holds, the last chunk first (a chunk is valid during its call). */
  forEachChunkReverse(fn: (values: Int32Array, count: number) => void): void {
    fn(this.current, this.inCurrent);
    if (this.spill) {
      const buf = new Int32Array(CHUNK);
      const bytes = new Uint8Array(buf.buffer);
      for (let c = this.spill.chunks - 1; c >= 0; c--) {
        for (let got = 0; got < bytes.length; ) {
          const n = readSync(this.spill.fd, bytes, got, bytes.length - got, c * CHUNK * 4 + got);
          if (n === 0) throw new Error("the index's temporary file was cut short");
          got += n;
        }
        fn(buf, CHUNK);
      }
    } else {
      for (let c = this.chunks.length - 1; c >= 0; c--) fn(this.chunks[c]!, CHUNK);
    }
  }

  /** Removes the temporary file, if any, and forgets the values. */
  close(): void {
    this.chunks.length = 0;
    if (!this.spill) return;
    const { dir, fd } = this.spill;
    this.spill = undefined;
    try {
      closeSync(fd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
