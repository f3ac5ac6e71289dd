/**
 * End-to-end: every command resolves its settings the same way. An installed signed catalog
 * (under ICTSGUARD_HOME, by `catalog update`) is the one `scan`, `check` and `screen` use; a
 * gzipped batch or screen input is read by its bytes whatever its name.
 */
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { publishRepository } from "../src/catalog/tuf/publish.js";
import { updateCatalog } from "../src/catalog/tuf/update.js";
import type { ReportDocument } from "../src/model/finding.js";
import { catalogVersion, dayOffset } from "../src/testing/tuf.js";
import { cli, FLEET } from "../src/testing/tuf-world.js";
import { tempDir } from "../src/testing/temp.js";

const dir = tempDir("ictsguard-settings-cli-");
after(() => rmSync(dir, { recursive: true, force: true }));

describe("an installed signed catalog", () => {
  const version = `${dayOffset(0)}.42`;
  const home = join(dir, "home");
  let digest: string;
  before(async () => {
    const repo = join(dir, "repo");
    await publishRepository({ catalogDir: catalogVersion(version, dayOffset(0), dir), keysDir: join(dir, "keys"), outDir: repo });
    digest = (await updateCatalog({ from: repo, trustedRoot: join(repo, "metadata", "1.root.json"), home })).record.digest;
  });

  it("is the catalog scan uses", async () => {
    const r = await cli(["scan", FLEET, "-o", "json", "--as-of", "2025-01-01"], home, dir);
    const doc = JSON.parse(r.stdout) as ReportDocument;
    assert.deepEqual([doc.catalog.version, doc.catalog.digest, doc.catalog.origin?.kind], [version, digest, "installed"]);
  });

  it("is the catalog screen uses, as scan does", async () => {
    const r = await cli(["screen", "--name", "AO Kaspersky Lab", "-o", "json"], home, dir);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { lists: { name: string; source?: string[] }[] };
    assert.deepEqual(doc.lists.find((l) => l.name === "catalog")?.source, [`catalog ${version} sha256:${digest}`]);
  });

  it("is the catalog check uses", async () => {
    const orders = join(dir, "orders-for-installed.csv");
    writeFileSync(orders, "role,action,vendor,date\nfederal-contractor,buy,AO Kaspersky Lab,2025-01-01\n");
    const r = await cli(["check", "--batch", orders, "-o", "json"], home, dir);
    const doc = JSON.parse(r.stdout) as { catalogVersion: string; catalogDigest: string };
    assert.deepEqual([doc.catalogVersion, doc.catalogDigest], [version, digest]);
  });
});

describe("gzip is found by its bytes, not by the name", () => {
  const orders = "role,action,vendor,category,date\nbusiness,buy,AO Kaspersky Lab,antivirus,2025-01-01\n";
  const names = "name,country\nAO Kaspersky Lab,RU\n";
  const cases: [string, Buffer][] = [
    ["a gzipped file named .csv", gzipSync(orders)],
    ["a plain file named .csv.gz", Buffer.from(orders)],
  ];
  for (const [what, bytes] of cases) {
    it(`check --batch reads ${what}`, async () => {
      const path = join(dir, what.replace(/\W+/g, "-") + (what.includes(".gz") ? ".csv.gz" : ".csv"));
      writeFileSync(path, bytes);
      const r = await cli(["check", "--batch", path, "-o", "jsonl"], join(dir, "empty-home"), dir);
      const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { decision?: string; input?: { vendor?: string } });
      const decided = lines.filter((l) => l.decision !== undefined);
      assert.equal(decided.length, 1, r.stdout + r.stderr);
      assert.deepEqual([decided[0]!.input?.vendor, decided[0]!.decision], ["AO Kaspersky Lab", "prohibited"]);
      assert.equal(r.code, 1, r.stderr);
    });
  }
  it("screen reads a gzipped file named .csv", async () => {
    const path = join(dir, "vendors.csv");
    writeFileSync(path, gzipSync(names));
    const r = await cli(["screen", path, "-o", "json", "-l", "catalog"], join(dir, "empty-home"), dir);
    const doc = JSON.parse(r.stdout) as { results: { input: { name: string }; source: { line: number }; status: string }[]; errors: unknown[] };
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.results.map((x) => [x.input.name, x.source.line, x.status]), [["AO Kaspersky Lab", 2, "match"]]);
    assert.equal(r.code, 1, r.stderr);
  });
});
