/**
 * @module
 * How tuf-js gets repository files. Over HTTP(S) it uses its own fetcher; from a folder (a
 * copy carried to an air-gapped network) it reads files through {@link DirectoryFetcher}, a
 * `BaseFetcher` that only changes where the bytes come from: tuf-js still enforces the length
 * limits and verifies every file exactly as it does for HTTP. A missing file is reported as an
 * HTTP 404, which is how tuf-js learns that the newest root has been reached.
 *
 * Over HTTP(S), redirects are followed only within the repository's origin (scheme, host and
 * port): an operator who pinned a mirror does not expect another host to serve it (signatures
 * would still hold, but the choice is theirs): `--allow-redirects` lifts that.
 *
 * Every download goes to a temporary folder of ours under ICTSGUARD_HOME/tmp (0700, named with
 * the process id so a later run can remove what a killed run left, `cleanStaleDownloads`),
 * never a nameless folder in the system's temporary folder.
 *
 * {@link TracingFetcher} wraps either one and remembers the last file asked for, so a failed
 * verification can name the file that failed it.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { BaseFetcher, type Fetcher } from "tuf-js";
import { DownloadHTTPError, DownloadLengthMismatchError } from "tuf-js/dist/error.js";
import { PRIVATE_FILE_MODE, privateDir } from "../../util/private-fs.js";
import { DOWNLOAD_PREFIX } from "./downloads.js";

export { cleanStaleDownloads } from "./downloads.js";

/**
 * A BaseFetcher whose downloads go to our own temporary folder (`home/tmp`), 0600, removed
 * after use; the bytes come from `source`. tuf-js's length limit is enforced as it reads.
 */
abstract class HomeFetcher extends BaseFetcher {
  constructor(private readonly home: string) {
    super();
  }
  override async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    const base = privateDir(this.home, join(this.home, "tmp"));
    const dir = await mkdtemp(join(base, `${DOWNLOAD_PREFIX}${process.pid}-`));
    try {
      const file = join(dir, "download");
      const body = Readable.fromWeb((await this.fetch(url)) as import("node:stream/web").ReadableStream<Uint8Array>);
      let received = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > maxLength) done(new DownloadLengthMismatchError("Max length reached"));
          else done(null, chunk);
        },
      });
      await pipeline(body, limit, createWriteStream(file, { mode: PRIVATE_FILE_MODE }));
      return await handler(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Serves `file:` URLs from the local file system. */
export class DirectoryFetcher extends HomeFetcher {
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

/** A redirect to another origin than the repository's, refused (the message names both). */
export class RedirectRefusedError extends Error {
  override name = "RedirectRefusedError";
}

export type HttpFetcherOptions = {
  userAgent: string;
  /** Follow redirects to other hosts or ports too (`--allow-redirects`). */
  allowRedirects?: boolean;
  timeoutMs?: number;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * HTTP(S) with ictsguard's user agent: redirects followed by hand, and only within the
 * origin of the URL first asked for unless allowed; one retry (after a second) on a network
 * error or a 5xx, as tuf-js's own fetcher does.
 */
export class HttpFetcher extends HomeFetcher {
  constructor(home: string, private readonly options: HttpFetcherOptions) {
    super(home);
  }
  override async fetch(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    try {
      return await this.once(url);
    } catch (err) {
      const retry = (err instanceof DownloadHTTPError && err.statusCode >= 500) || (err instanceof TypeError && /fetch failed/.test(err.message));
      if (!retry) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return this.once(url);
    }
  }
  private async once(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    const origin = new URL(url).origin;
    let at = new URL(url);
    for (let hops = 0; ; hops++) {
      const response = await fetch(at, {
        redirect: "manual",
        headers: { "User-Agent": this.options.userAgent },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) throw new DownloadHTTPError(`redirect without a Location from ${at.href}`, response.status);
        const next = new URL(location, at);
        if (next.origin !== origin && !this.options.allowRedirects) {
          throw new RedirectRefusedError(`cross-origin redirect refused: ${at.href} redirects to ${next.href}, another host or port than the repository's ${origin} (pass --allow-redirects to follow it)`);
        }
        if (hops >= MAX_REDIRECTS) throw new DownloadHTTPError(`more than ${MAX_REDIRECTS} redirects from ${url}`, response.status);
        at = next;
        continue;
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new DownloadHTTPError("Failed to download", response.status);
      }
      return response.body as ReadableStream<Uint8Array<ArrayBuffer>>;
    }
  }
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
