/**
 * @module
 * How tuf-js gets repository files. Over HTTP(S) it uses its own fetcher; from a folder (a
 * copy carried to an air-gapped network) it reads files through {@link DirectoryFetcher}, a
 * `BaseFetcher` that only changes where the bytes come from: tuf-js still enforces the length
 * limits and verifies every file exactly as it does for HTTP. A missing file is reported as an
 * HTTP 404, which is how tuf-js learns that the newest root has been reached.
 *
 * {@link TracingFetcher} wraps either one and remembers the last file asked for, so a failed
 * verification can name the file that failed it.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { BaseFetcher, type Fetcher } from "tuf-js";
import { DownloadHTTPError } from "tuf-js/dist/error.js";
import { DefaultFetcher } from "tuf-js/dist/fetcher.js";

/** Serves `file:` URLs from the local file system. */
export class DirectoryFetcher extends BaseFetcher {
  override async fetch(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    const path = fileURLToPath(url);
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new DownloadHTTPError(`${path} is not a file`, 404);
    } catch (err) {
      if (err instanceof DownloadHTTPError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") throw new DownloadHTTPError(`${path} not found`, 404);
      if (code === "EACCES" || code === "EPERM") throw new DownloadHTTPError(`${path}: permission denied`, 403);
      throw err;
    }
    return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
}

/** The HTTP(S) fetcher of tuf-js, with ictsguard's user agent; one retry (after a second) on a network error or a 5xx. */
export function httpFetcher(userAgent: string): Fetcher {
  return new DefaultFetcher({ userAgent, timeout: 30_000, retry: 1 });
}

/** Remembers the last URL asked for (the file tuf-js was about to verify when it failed). */
export class TracingFetcher implements Fetcher {
  last: string | undefined;
  constructor(private readonly inner: Fetcher) {}
  downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    this.last = url;
    return this.inner.downloadFile(url, maxLength, handler);
  }
  downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    this.last = url;
    return this.inner.downloadBytes(url, maxLength);
  }
}
