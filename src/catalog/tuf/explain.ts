/**
 * @module
 * Turns what tuf-js throws into one sentence a user can act on, naming the attack or fault the
 * TUF specification's check stopped (rollback, freeze, mix-and-match, threshold, tampered
 * target) and the file. tuf-js wraps some errors of the snapshot and targets steps into a
 * generic RuntimeError whose message keeps the original one, so the message is what is read.
 */
import { DownloadHTTPError, DownloadLengthMismatchError } from "tuf-js/dist/error.js";

export type UpdateFailureKind =
  | "redirect"
  | "unreachable"
  | "not-found"
  | "rollback"
  | "freeze"
  | "mismatch"
  | "threshold"
  | "tampered"
  | "too-large"
  | "root-chain"
  | "malformed"
  | "other";

export type Explained = { kind: UpdateFailureKind; message: string };

/** `url` is the file tuf-js was fetching or verifying when it failed. */
export function explainTufError(err: unknown, url: string | undefined): Explained {
  const file = url ? shortName(url) : "the repository";
  const raw = err instanceof Error ? err.message : String(err);
  const m = (re: RegExp) => re.exec(raw);
  let hit: RegExpExecArray | null;

  // a refused redirect (fetchers.ts), also inside tuf-js's RuntimeError, which keeps its message
  const redirect = /cross-origin redirect refused: .*/.exec(raw);
  if (redirect) return { kind: "redirect", message: redirect[0] };
  if (err instanceof DownloadHTTPError) {
    return err.statusCode === 404
      ? { kind: "not-found", message: `${url ?? file} not found: not a TUF repository of ictsguard catalogs, or an incomplete copy` }
      : { kind: "unreachable", message: `${url ?? file}: HTTP ${err.statusCode}` };
  }
  if (err instanceof DownloadLengthMismatchError || /Max length reached/.test(raw)) {
    return { kind: "too-large", message: `${file} is longer than the signed metadata allows: refused (endless-data protection)` };
  }
  if (err instanceof TypeError && /fetch failed/.test(raw)) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { kind: "unreachable", message: `cannot reach ${url ?? "the repository"}: ${cause?.code ?? cause?.message ?? raw}` };
  }
  if ((err as { name?: string }).name === "TimeoutError" || /aborted due to timeout/.test(raw)) {
    return { kind: "unreachable", message: `${url ?? "the repository"} did not answer in time` };
  }
  if ((hit = m(/New (timestamp|snapshot) version (\d+) is less than current version (\d+)/))) {
    return { kind: "rollback", message: `rollback refused: the repository offers ${hit[1]} version ${hit[2]}, older than the trusted version ${hit[3]}` };
  }
  if ((hit = m(/New version (\d+) of (\S+) is less than current version (\d+)/))) {
    return { kind: "rollback", message: `rollback refused: the snapshot lists ${hit[2]} version ${hit[1]}, older than the trusted version ${hit[3]}` };
  }
  if ((hit = m(/Missing file (\S+) in new snapshot/))) {
    return { kind: "rollback", message: `rollback refused: the new snapshot no longer lists ${hit[1]}` };
  }
  if ((hit = m(/Final (timestamp|root)\.json is expired|(snapshot|targets)\.json is expired/))) {
    const role = hit[1] ?? hit[2];
    return {
      kind: "freeze",
      message: `${role}.json has expired: the repository is frozen or no longer re-signed, and TUF refuses expired metadata so that nobody can hold clients on old rules (freeze attack)`,
    };
  }
  if ((hit = m(/Version (\d+) of (\S+) does not match snapshot version (\d+)/))) {
    return { kind: "mismatch", message: `inconsistent repository: ${hit[2]}.json is version ${hit[1]} but the snapshot names version ${hit[3]} (mix-and-match protection)` };
  }
  if (/Snapshot version doesn't match timestamp/.test(raw)) {
    return { kind: "mismatch", message: "inconsistent repository: the snapshot's version is not the one the timestamp names (mix-and-match protection)" };
  }
  if ((hit = m(/(\S+) was signed by (\d+)\/(\d+) keys/))) {
    return {
      kind: "threshold",
      message: `${hit[1]} metadata carries ${hit[2]} valid signature(s) of trusted keys, ${hit[3]} required: refused (not signed by a threshold of the keys the trusted root names)`,
    };
  }
  if ((hit = m(/Expected version (\d+), got (\d+)/))) {
    return { kind: "root-chain", message: `broken root chain: ${file} is root version ${hit[2]}, version ${hit[1]} expected` };
  }
  if (/Expected (hash|length)/.test(raw)) {
    const target = url !== undefined && /\/targets\//.test(url);
    return target
      ? { kind: "tampered", message: `${file} does not match the length and SHA-256 its signed metadata gives: it was altered after signing, refused` }
      : { kind: "tampered", message: `${file} does not match the length and hash the metadata that names it gives: refused` };
  }
  if (/Unexpected token|JSON|is not defined|must be|expected '/.test(raw)) {
    return { kind: "malformed", message: `${file} is not valid TUF metadata` };
  }
  return { kind: "other", message: `${file}: ${raw}` };
}

/** The last two parts of a URL or path: `metadata/timestamp.json`. */
function shortName(url: string): string {
  const parts = url.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join("/");
}
