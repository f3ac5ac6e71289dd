/**
 * @module
 * Request bodies the handlers of the agent, osquery, Fleet and BOM routes read themselves (their
 * size limit is the upload limit, not the 1 MiB of JSON bodies): read whole up to a limit, and
 * gunzipped when the client compressed them (`Content-Encoding: gzip`, as osqueryd sends with
 * `--logger_tls_compress` and the agent always does), with the expanded size bounded too.
 */
import { gunzipSync } from "node:zlib";
import { ApiError } from "./errors.js";

/** The body's bytes as sent (gzip left as it is), at most `maxBytes`: what a queued upload keeps. */
export async function readRawBody(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

/** The body's bytes, at most `maxBytes` before and after gunzip. */
export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const raw = await readRawBody(req, maxBytes);
  const encoding = (req.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const gzipped = encoding === "gzip" || (encoding === "" && raw[0] === 0x1f && raw[1] === 0x8b);
  if (!gzipped) {
    if (encoding !== "" && encoding !== "identity") throw new ApiError(415, "unsupported-media-type", `Content-Encoding ${encoding} is not supported: send gzip or nothing`);
    return raw;
  }
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(maxBytes);
    throw new ApiError(400, "invalid-request", `the gzip body could not be read: ${e.message}`);
  }
}

/** The body as JSON (after gunzip). */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBody(req, maxBytes);
  try {
    return JSON.parse(bytes.toString("utf8")) as unknown;
  } catch (err) {
    throw new ApiError(400, "invalid-request", `the body is not JSON: ${(err as Error).message}`);
  }
}

function tooLarge(max: number): ApiError {
  return new ApiError(413, "payload-too-large", `the body is larger than the limit of ${max} bytes; nothing was stored`);
}
