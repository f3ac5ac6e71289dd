/**
 * @module
 * A file written synchronously, as a Writable stream: each chunk goes to `writeSync` when it
 * comes. An `fs.WriteStream` hands every write to libuv's thread pool, and the report writers
 * wait for each chunk to be taken (backpressure, report/common.ts `writeText`): writing the
 * 12.5 MB report of 8,321 findings took about 115 ms that way and about 80 ms this way, the same
 * bytes (the read side, ./file-chunks.ts, does the same for the same reason). The file is opened
 * when the stream is made ready (`construct`), so a file that cannot be opened fails the stream
 * with the error `fs.createWriteStream` gives, and closed when the stream ends or is destroyed.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { Writable } from "node:stream";

export function fileSink(path: string): Writable {
  let fd: number | undefined;
  const close = (): void => {
    if (fd === undefined) return;
    const open = fd;
    fd = undefined;
    closeSync(open);
  };
  return new Writable({
    construct(callback) {
      try {
        fd = openSync(path, "w");
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    write(chunk: Buffer, _encoding, callback) {
      try {
        // a write may take fewer bytes than asked (a full disk says so on the next one)
        for (let done = 0; done < chunk.length; ) {
          const n = writeSync(fd!, chunk, done);
          if (n <= 0) throw new Error(`no byte of ${chunk.length - done} could be written to ${path}`);
          done += n;
        }
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    final(callback) {
      try {
        close();
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    destroy(err, callback) {
      try {
        close();
      } catch {
        // the stream's own error, if any, is the one to report
      }
      callback(err);
    },
  });
}
