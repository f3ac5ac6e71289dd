import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { IctsError } from "../model/errors.js";
import { catalogVersion } from "../testing/tuf.js";
import { buildBundle, bundleFileName, parseBundle, readBundle, serializeBundle, sha256, type CatalogBundle } from "./bundle.js";
import { defaultCatalogDir, loadCatalog } from "./load.js";
import { tempDir } from "../testing/temp.js";

const rejects = (fn: () => unknown, code: string, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof IctsError && e.code === code && message.test(e.message));

describe("catalog bundle", () => {
  it("holds the bundled catalog's sources and gives the same digest as the folder", async () => {
    const built = await buildBundle(defaultCatalogDir());
    const folder = await loadCatalog(defaultCatalogDir());
    assert.ok(folder.ok);
    assert.equal(built.bundle.digest, folder.catalog.digest);
    assert.equal(built.bundle.version, folder.catalog.version);
    assert.ok(built.bundle.files.some((f) => f.path === "products/kaspersky.yaml"));
    assert.deepEqual(
      built.bundle.files.map((f) => f.path),
      [...built.bundle.files.map((f) => f.path)].sort(),
    );
    const back = parseBundle(built.bytes, "b.json");
    assert.equal(back.catalog.digest, folder.catalog.digest);
    assert.deepEqual(back.catalog.rules.map((r) => r.id), folder.catalog.rules.map((r) => r.id));
  });

  it("is reproducible: the same sources give the same bytes and SHA-256", async () => {
    const a = await buildBundle(defaultCatalogDir());
    // a copy of the bundled sources, written out again with the same version and date
    const b = await buildBundle(catalogVersion(a.catalog.version, a.catalog.date));
    assert.equal(a.sha256, b.sha256);
    assert.equal(sha256(a.bytes), a.sha256);
    assert.equal(bundleFileName(a.bundle.version), `ictsguard-catalog-${a.catalog.version}.json`);
  });

  it("refuses a bundle whose content does not give the digest it states", async () => {
    const { bundle } = await buildBundle(defaultCatalogDir());
    const edited: CatalogBundle = {
      ...bundle,
      files: bundle.files.map((f) => (f.path === "catalog.yaml" ? { ...f, text: f.text.replace("Kaspersky first", "Kaspersky at first") } : f)),
    };
    rejects(() => parseBundle(serializeBundle(edited), "edited.json"), "bundle/mismatch", /edited\.json: the bundle says digest [0-9a-f]{64} but its content has digest [0-9a-f]{64}/);
  });

  it("locates a catalog problem inside the bundle at its file and line", async () => {
    const { bundle } = await buildBundle(defaultCatalogDir());
    const broken: CatalogBundle = {
      ...bundle,
      files: bundle.files.map((f) => (f.path === "products/kaspersky.yaml" ? { ...f, text: f.text.replace("category: antivirus", "category: antivirs") } : f)),
    };
    rejects(() => parseBundle(serializeBundle(broken), "x.json"), "catalog/invalid", /x\.json#products\/kaspersky\.yaml:\d+ .*products\[\d+\]\.category: expected one of/);
  });

  it("refuses what is not a bundle: bad JSON, wrong format, unsafe paths, unknown fields", async () => {
    rejects(() => parseBundle(Buffer.from("{nope"), "a.json"), "bundle/json", /a\.json: not a catalog bundle: invalid JSON/);
    rejects(() => parseBundle(Buffer.from(JSON.stringify({ format: "other" })), "a.json"), "bundle/schema", /format/);
    const { bundle } = await buildBundle(defaultCatalogDir());
    for (const path of ["../etc/x.yaml", "/abs.yaml", "a/../../b.yaml", "notes.txt"]) {
      const bad = { ...bundle, files: [...bundle.files, { path, text: "" }] };
      rejects(() => parseBundle(serializeBundle(bad), "p.json"), "bundle/schema", /files\.\d+\.path: expected a relative path/);
    }
    rejects(() => parseBundle(serializeBundle({ ...bundle, extra: 1 } as CatalogBundle), "u.json"), "bundle/schema", /Unrecognized key/i);
    const dir = tempDir("ictsguard-bundle-");
    await assert.rejects(readBundle(join(dir, "missing.json")), /cannot read catalog bundle .*missing\.json/);
    writeFileSync(join(dir, "empty.json"), "");
    await assert.rejects(readBundle(join(dir, "empty.json")), /invalid JSON/);
  });

  it("a version that cannot name a file is refused", () => {
    rejects(() => bundleFileName("../2026"), "bundle/version", /cannot name a file/);
    rejects(() => bundleFileName("2026 11"), "bundle/version", /cannot name a file/);
  });
});
