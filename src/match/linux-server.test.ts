/**
 * Issue 12, class 6: Kaspersky's server products on Linux (Security Center's Network Agent and
 * Web Console) found by their install folders, and older product generations' drivers, as a
 * Linux image scan or a driver inventory reports them.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { bundledCatalog } from "../testing/host.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "./index.js";

const at = { file: "linux-server" };

describe("Kaspersky server products on Linux and older generations", () => {
  let index: CatalogIndex;
  before(async () => {
    index = buildCatalogIndex(await bundledCatalog());
  });

  test("Network Agent and the Web Console by their install folders name Kaspersky Security Center", () => {
    for (const path of ["/opt/kaspersky/klnagent64/lib/bin/setup/postinstall.pl", "/var/opt/kaspersky/ksc-web-console/server.js", "/opt/kaspersky/klnagent64/bin/klnagchk"]) {
      const [m] = matchObservation({ kind: "file", name: path.split("/").pop()!, path, source: at }, index).matches;
      assert.equal(m?.product.id, "kaspersky-security-center", path);
      assert.ok(m!.confidence >= 0.7, path);
    }
  });

  test("other software under /opt is not Kaspersky's", () => {
    assert.deepEqual(matchObservation({ kind: "file", name: "kas", path: "/opt/kasm/bin/kas", source: at }, index).matches, []);
  });

  test("older generations' drivers (KAV 2009/2010 kltdi.sys, kl1.sys) are Kaspersky's", () => {
    for (const d of ["kltdi.sys", "KL1.SYS", "C:\\Windows\\System32\\drivers\\kltdi.sys"]) {
      const [m] = matchObservation({ kind: "driver", name: d, source: at }, index).matches;
      assert.equal(m?.vendor.id, "kaspersky", d);
    }
  });
});
