import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../testing/temp.js";
import { compiledKey, readCompiledCatalog } from "./compiled.js";
import { catalogFiles, compileCatalogFolder, defaultCatalogDir, loadCatalog, loadCatalogTexts } from "./load.js";

async function textsOf(dir: string) {
  return (await catalogFiles(dir)).map((path) => ({ path, display: relative(process.cwd(), path), text: readFileSync(path, "utf8") }));
}

describe("the compiled bundled catalog", () => {
  it("is exactly what the full load of the same texts gives", async () => {
    const file = join(tempDir(), "catalog.compiled.json");
    assert.equal(await compileCatalogFolder(defaultCatalogDir(), file), "written");
    const texts = await textsOf(defaultCatalogDir());
    const full = loadCatalogTexts(texts, "catalog");
    assert.ok(full.ok);
    const compiled = readCompiledCatalog(compiledKey(defaultCatalogDir(), texts), file);
    assert.ok(compiled, "the compiled catalog is found under the key of its own texts");
    assert.deepStrictEqual(compiled, full.catalog);
    // and loadCatalog (compiled or not, as this build has it) gives the same catalog
    const loaded = await loadCatalog();
    assert.ok(loaded.ok);
    assert.deepStrictEqual(loaded.catalog, full.catalog);
  });

  it("is not used for a folder whose texts differ by one byte, nor for one file more", async () => {
    const file = join(tempDir(), "catalog.compiled.json");
    assert.equal(await compileCatalogFolder(defaultCatalogDir(), file), "written");
    const copy = join(tempDir(), "catalog");
    cpSync(defaultCatalogDir(), copy, { recursive: true });
    assert.ok(readCompiledCatalog(compiledKey(copy, await textsOf(copy)), file), "an identical copy has the same key");
    const first = (await catalogFiles(copy))[0]!;
    writeFileSync(first, readFileSync(first, "utf8") + "\n# one more comment\n");
    assert.equal(readCompiledCatalog(compiledKey(copy, await textsOf(copy)), file), undefined);
    writeFileSync(first, readFileSync(first, "utf8").replace("\n# one more comment\n", ""));
    writeFileSync(join(copy, "extra.yaml"), "sources: []\n");
    assert.equal(readCompiledCatalog(compiledKey(copy, await textsOf(copy)), file), undefined);
  });

  it("is ignored when missing or damaged", async () => {
    const texts = await textsOf(defaultCatalogDir());
    const key = compiledKey(defaultCatalogDir(), texts);
    const dir = tempDir();
    assert.equal(readCompiledCatalog(key, join(dir, "missing.json")), undefined);
    writeFileSync(join(dir, "half.json"), '{"format":"ictsguard-compiled-catalog/1","key":"');
    assert.equal(readCompiledCatalog(key, join(dir, "half.json")), undefined);
  });
});
