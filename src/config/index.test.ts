import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { IctsError } from "../model/errors.js";
import { Config, parseConfig } from "./file.js";
import { emptyConfig, loadConfig } from "./index.js";
import { tempDir } from "../testing/temp.js";

describe("config", () => {
  it("reads defaults and exceptions, with dates written bare in YAML", () => {
    const c = parseConfig(
      "profile: federal-contractor\nfailOn: prohibited\noutput: json\nexceptions:\n  - product: kaspersky-*\n    host: lab-*\n    reason: Malware lab\n    author: sec@example.org\n    expires: 2099-01-01\n",
      "ictsguard.yaml",
    );
    assert.equal(c.profile, "federal-contractor");
    assert.equal(c.failOn, "prohibited");
    assert.equal(c.exceptions[0]!.expires, "2099-01-01");
  });

  it("names the file, the line and the field of a bad value", () => {
    assert.throws(
      () => parseConfig("profile: business\nexceptions:\n  - product: x\n    reason: r\n    author: a\n    expires: 2024-13-01\n", "cfg.yaml"),
      (e: unknown) => e instanceof IctsError && /cfg\.yaml:6: exceptions\.0\.expires: expected a date/.test(e.message),
    );
    assert.throws(() => parseConfig("profile: nobody\n", "cfg.yaml"), /cfg\.yaml:1: profile/);
    assert.throws(() => parseConfig("exceptions:\n  - reason: r\n    author: a\n    expires: 2099-01-01\n", "c.yaml"), /at least one of product/);
    assert.throws(() => parseConfig("exceptions:\n  - product: x\n    author: a\n    expires: 2099-01-01\n", "c.yaml"), /exceptions\.0\.reason/);
    assert.throws(() => parseConfig("profile: [\n", "c.yaml"), /c\.yaml:\d+: invalid YAML/);
  });

  it("reads the update keys: updateUrl, trustedRoot, catalogMaxAgeDays", () => {
    const c = parseConfig("updateUrl: https://mirror.example.org/ictsguard/\ntrustedRoot: ./root.json\ncatalogMaxAgeDays: 14\n", "c.yaml");
    assert.deepEqual([c.updateUrl, c.trustedRoot, c.catalogMaxAgeDays], ["https://mirror.example.org/ictsguard/", "./root.json", 14]);
    assert.throws(() => parseConfig("catalogMaxAgeDays: 0\n", "c.yaml"), /c\.yaml:1: catalogMaxAgeDays/);
    assert.throws(() => parseConfig("catalogMaxAgeDays: soon\n", "c.yaml"), /c\.yaml:1: catalogMaxAgeDays/);
  });

  it("finds ictsguard.yaml in the working directory, and none is fine", async () => {
    const dir = tempDir("ictsguard-config-");
    assert.deepEqual((await loadConfig(undefined, dir)).config.exceptions, []);
    writeFileSync(join(dir, ".ictsguard.yaml"), "profile: reseller\n");
    const found = await loadConfig(undefined, dir);
    assert.equal(found.config.profile, "reseller");
    assert.equal(found.path, join(dir, ".ictsguard.yaml"));
    await assert.rejects(loadConfig(join(dir, "missing.yaml"), dir), /cannot read config file/);
  });

  it("with no file, the config is what the schema gives for an empty one (without loading the schema)", async () => {
    const dir = tempDir("ictsguard-config-");
    const none = await loadConfig(undefined, dir);
    assert.equal(none.path, undefined);
    assert.deepEqual(none.config, Config.parse({}));
    assert.deepEqual(emptyConfig(), parseConfig("", "empty.yaml"));
    assert.notEqual((await loadConfig(undefined, dir)).config, none.config, "a new object each time");
  });
});
