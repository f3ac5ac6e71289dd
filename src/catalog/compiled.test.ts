import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../testing/temp.js";
import { COMPILED_CATALOG_FILE, compiledKey, readCompiledCatalog } from "./compiled.js";
import { catalogFiles, compileCatalogFolder, defaultCatalogDir, loadCatalog } from "./load.js";
import { loadCatalogTexts } from "./parse.js";

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

  it("holds the transliterations its match index needs, each as the library makes it, so a scan starts without the library", () => {
    const { transliterations } = JSON.parse(readFileSync(COMPILED_CATALOG_FILE, "utf8")) as { transliterations: Record<string, string> };
    const entries = Object.entries(transliterations);
    assert.ok(entries.some(([text]) => text.includes("Касперского")), "the Cyrillic Kaspersky names are among them");
    const { transliterate } = createRequire(import.meta.url)("transliteration") as { transliterate(text: string): string };
    for (const [text, latin] of entries) assert.equal(latin, transliterate(text), text);
    // a fresh process: load the bundled catalog as scan does, build its index and prefilter
    const script = `
      import { createRequire } from "node:module";
      const { loadActiveCatalog } = await import(${JSON.stringify(new URL("../config/settings.js", import.meta.url).href)});
      const { buildCatalogIndex } = await import(${JSON.stringify(new URL("../match/catalog-index.js", import.meta.url).href)});
      const { buildPrefilter } = await import(${JSON.stringify(new URL("../match/prefilter.js", import.meta.url).href)});
      const index = buildCatalogIndex(await loadActiveCatalog());
      buildPrefilter(index);
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("transliteration"));
      process.stdout.write(JSON.stringify({ loaded, publishers: [...index.publishers.keys()].filter((k) => k.includes("kasperskogo")) }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ICTSGUARD_HOME: tempDir() } })) as { loaded: string[]; publishers: string[] };
    assert.deepEqual(out.loaded, []);
    // and the index holds the folded Cyrillic names all the same
    assert.ok(out.publishers.length > 0, "a Cyrillic publisher is folded to Latin in the index");
  });
});
