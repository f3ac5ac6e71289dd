import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../config/file.js";
import { createAllowMatcher, loadAllowFile, type AllowEntry } from "./allow-list.js";
import type { ListedEntity } from "./model.js";
import { tempDir } from "../testing/temp.js";

const kaspersky: ListedEntity = { id: "kaspersky", list: "catalog", name: "Kaspersky", schema: "organization", aliases: [], countries: ["RU"], addresses: [], programs: [] };
const cuba: ListedEntity = { id: "306", list: "ofac-sdn", name: "BANCO NACIONAL DE CUBA", schema: "organization", aliases: [], countries: [], addresses: [], programs: [] };
const entry = (over: Partial<AllowEntry>): AllowEntry => ({ name: "Kasperski Bakery", entity: "catalog:kaspersky", reason: "a bakery in Gdansk, checked 2025-03", author: "compliance@example.org", expires: "2026-06-30", ...over });

describe("screen allow-list", () => {
  it("applies an entry through its expiry day and names it", () => {
    const match = createAllowMatcher([entry({})], "2026-06-30");
    const o = match("KASPERSKI BAKERY", kaspersky);
    assert.equal(o.active?.index, 1);
    assert.equal(o.active?.reason, "a bakery in Gdansk, checked 2025-03");
    assert.deepEqual(o.expired, []);
  });

  it("stops applying the day after it expires, and says it expired", () => {
    const match = createAllowMatcher([entry({})], "2026-07-01");
    const o = match("Kasperski Bakery", kaspersky);
    assert.equal(o.active, undefined);
    assert.deepEqual(o.expired.map((e) => [e.index, e.expires]), [[1, "2026-06-30"]]);
  });

  it("a later entry still applies when an earlier one has expired", () => {
    const match = createAllowMatcher([entry({ expires: "2020-01-01" }), entry({ expires: "2030-01-01", reason: "renewed" })], "2026-01-01");
    const o = match("Kasperski Bakery", kaspersky);
    assert.equal(o.active?.reason, "renewed");
    assert.equal(o.expired.length, 1);
  });

  it("compares names after normalization and entities by glob over list:id or id", () => {
    const match = createAllowMatcher([entry({ name: "Kasperski Bakery Sp. z o.o.", entity: "catalog:kasper*" }), entry({ name: undefined, input: "Banco Nacional", entity: "306" })], "2026-01-01");
    assert.ok(match("kasperski bakery", kaspersky).active);
    assert.ok(match("Banco  Nacional", cuba).active);
    assert.equal(match("Kasperski Bakery", cuba).active, undefined); // another entity
    assert.equal(match("Kasperski Bread", kaspersky).active, undefined); // another name
  });

  it("reads entries from the config file and from an allow file, with located errors", () => {
    const config = parseConfig(
      "screen:\n  threshold: 0.8\n  allow:\n    - name: Casper Sleep Inc\n      entity: catalog:kaspersky\n      reason: mattress company\n      author: a@example.org\n      expires: 2027-01-01\n",
      "ictsguard.yaml",
    );
    assert.equal(config.screen?.allow[0]?.expires, "2027-01-01");
    assert.throws(
      () => parseConfig("screen:\n  allow:\n    - name: X\n      entity: catalog:kaspersky\n      author: a\n      expires: 2027-01-01\n", "c.yaml"),
      /c\.yaml:\d+: screen\.allow\.0\.reason/,
    );
    const dir = tempDir("ictsguard-allow-");
    writeFileSync(join(dir, "allow.yaml"), "allow:\n  - input: Hikari Vision\n    entity: catalog:hikvision\n    reason: optics retailer\n    author: b@example.org\n    expires: 2027-02-01\n  - name: Y\n    entity: x\n    reason: r\n    author: a\n    expires: 2027-13-01\n  - name: Z\n    entity: x\n    author: a\n    expires: 2027-01-01\n");
    assert.throws(() => loadAllowFile(join(dir, "allow.yaml")), /allow\.yaml:11: 1\.expires: expected a date[\s\S]*allow\.yaml:12: 2\.reason/);
    writeFileSync(join(dir, "ok.json"), JSON.stringify([{ name: "Hikari Vision", entity: "catalog:hikvision", reason: "optics", author: "b", expires: "2027-02-01" }]));
    assert.equal(loadAllowFile(join(dir, "ok.json"))[0]?.file, join(dir, "ok.json"));
  });
});
