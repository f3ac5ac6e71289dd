import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { DownloadHTTPError, DownloadLengthMismatchError } from "tuf-js/dist/error.js";
import { explainTufError } from "./explain.js";
import { DirectoryFetcher, TracingFetcher } from "./fetchers.js";
import { tempDir } from "../../testing/temp.js";

describe("the directory fetcher", () => {
  const dir = tempDir("ictsguard-fetch-");
  writeFileSync(join(dir, "timestamp.json"), '{"a":1}');
  const url = (name: string) => pathToFileURL(join(dir, name)).href;

  it("reads files, and answers 404 for missing ones (how tuf-js finds the newest root)", async () => {
    const f = new TracingFetcher(new DirectoryFetcher(tempDir()));
    assert.equal((await f.downloadBytes(url("timestamp.json"), 100)).toString(), '{"a":1}');
    await assert.rejects(f.downloadBytes(url("2.root.json"), 100), (e: unknown) => e instanceof DownloadHTTPError && e.statusCode === 404);
    assert.equal(f.last, url("2.root.json"));
    await assert.rejects(f.downloadBytes(pathToFileURL(dir).href, 100), (e: unknown) => e instanceof DownloadHTTPError && e.statusCode === 404);
  });

  it("enforces tuf-js's length limit like HTTP", async () => {
    await assert.rejects(new DirectoryFetcher(tempDir()).downloadBytes(url("timestamp.json"), 3), (e: unknown) => e instanceof DownloadLengthMismatchError);
  });
});

describe("explaining tuf-js errors", () => {
  it("names the attack each check stopped, also through tuf-js's wrapped errors", () => {
    const cases: [Error, string | undefined, string, RegExp][] = [
      [new Error("Unable to load targets error Error: Version 2 of targets does not match snapshot version 3"), undefined, "mismatch", /targets\.json is version 2 but the snapshot names version 3/],
      [new Error("Unable to load snapshot metadata error Error: snapshot.json is expired"), undefined, "freeze", /snapshot\.json has expired/],
      [new Error("Final root.json is expired"), undefined, "freeze", /root\.json has expired/],
      [new Error("targets was signed by 1/2 keys"), undefined, "threshold", /targets metadata carries 1 valid signature\(s\) of trusted keys, 2 required/],
      [new Error("Expected hash aa but got bb"), "http://h/targets/catalog/x.json", "tampered", /catalog\/x\.json .* altered after signing/],
      [new Error("Expected length 5 but got 6"), "http://h/metadata/2.snapshot.json", "tampered", /metadata\/2\.snapshot\.json does not match the length and hash/],
      [new Error("Expected version 2, got 3"), "http://h/metadata/2.root.json", "root-chain", /broken root chain/],
      [new DownloadHTTPError("Failed to download", 404), "http://h/metadata/timestamp.json", "not-found", /http:\/\/h\/metadata\/timestamp\.json not found/],
      [new DownloadHTTPError("Failed to download", 500), "http://h/metadata/timestamp.json", "unreachable", /HTTP 500/],
      [new Error("something else"), "http://h/metadata/timestamp.json", "other", /metadata\/timestamp\.json: something else/],
    ];
    for (const [err, url, kind, message] of cases) {
      const e = explainTufError(err, url);
      assert.equal(e.kind, kind, err.message);
      assert.match(e.message, message);
    }
  });
});
