import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Metadata, MetadataKind } from "@tufjs/models";
import { REPO_ROOT } from "../../testing/index.js";
import { keyIdOf } from "./keys.js";
import { pinnedRootPath } from "./layout.js";

describe("the pinned trusted root", () => {
  it("is a self-signed TUF root of ed25519 keys, root threshold 2, consistent snapshots", () => {
    const root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(readFileSync(pinnedRootPath(), "utf8")));
    root.verifyDelegate(MetadataKind.Root, root);
    assert.equal(root.signed.consistentSnapshot, true);
    assert.ok(root.signed.roles.root!.threshold >= 2, "the root of the project needs more than one key");
    for (const role of ["root", "targets", "snapshot", "timestamp"]) {
      const r = root.signed.roles[role];
      assert.ok(r && r.keyIDs.length >= r.threshold, role);
    }
    for (const [id, key] of Object.entries(root.signed.keys)) {
      assert.equal(key.keyType, "ed25519");
      assert.equal(keyIdOf(key.keyVal.public!), id, "key ids are those of the TUF specification");
    }
  });

  it("ships with the package, and no private key is in the repository", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { files: string[] };
    assert.ok(pkg.files.includes("tuf"));
    const marker = "-----BEGIN " + "PRIVATE KEY-----";
    const skip = new Set(["node_modules", "dist", ".git", "out"]);
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        if (skip.has(name)) continue;
        const path = join(dir, name);
        const info = statSync(path);
        if (info.isDirectory()) walk(path);
        else if (info.size < 5_000_000 && readFileSync(path, "latin1").includes(marker)) found.push(path);
      }
    };
    walk(REPO_ROOT);
    assert.deepEqual(found, []);
  });
});
