/**
 * Names that Kaspersky's identifiers share with other things, and spellings of its own names,
 * on the bundled catalog (shared/facts/detection-identifiers.md: §3.3 services, §10 name
 * collisions). Each was a wrong verdict once: the game "Aliens vs. Predator" came out as
 * Kaspersky, unsupported; any service whose name starts with "AVP" too; and "Kaspersky Antivirus"
 * only as a brand word, left for review where "Kaspersky Anti-Virus" is the product.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Observation } from "../model/observation.js";
import { bundledCatalog } from "../testing/host.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "./index.js";

const at = { file: "collisions.csv", line: 2 };
let index: CatalogIndex;
before(async () => {
  index = buildCatalogIndex(await bundledCatalog());
});
const matchOf = (o: Omit<Observation, "source">) => matchObservation({ ...o, source: at }, index).matches[0];

describe("Kaspersky's identifiers and the things that share them", () => {
  it("AvP.exe run from a game's folder is left for review; avp.exe from Kaspersky's folder, or with no folder, is Kaspersky", () => {
    const game = matchOf({ kind: "process", name: "AvP.exe", path: "C:\\Program Files (x86)\\Steam\\steamapps\\common\\Aliens vs Predator\\AvP.exe" });
    assert.equal(game?.vendor.id, "kaspersky", "a product can be installed anywhere: not cleared");
    assert.ok(game!.confidence < 0.7, `review, not a finding that fails the scan: ${game!.confidence}`);
    const installed = [
      "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Anti-Virus 21.3\\avp.exe",
      "C:\\Program Files\\Лаборатория Касперского\\avp.exe",
      "D:\\Kaspersky\\avp.exe",
    ];
    for (const path of installed) assert.ok(matchOf({ kind: "process", name: "avp.exe", path })!.confidence >= 0.9, path);
    assert.ok(matchOf({ kind: "process", name: "avp.exe" })!.confidence >= 0.9, "a bare process name");
  });

  it("the service AVP is KES, AVP and a version a consumer product, and another name that starts with AVP nothing", () => {
    assert.equal(matchOf({ kind: "service", name: "AVP" })?.product.id, "kaspersky-endpoint-security");
    for (const name of ["AVP21.24", "AVP18.0.0", "avp30.1"]) assert.equal(matchOf({ kind: "service", name })?.product.id, "kaspersky-unidentified", name);
    for (const name of ["AVPNService", "AvProductSvc", "avpsvc"]) assert.equal(matchOf({ kind: "service", name }), undefined, name);
  });

  it("Kaspersky Antivirus, one word or two, is Kaspersky Anti-Virus at a product name's confidence", () => {
    for (const name of ["Kaspersky Antivirus", "Kaspersky AntiVirus 2012", "Kaspersky Anti Virus", "Kaspersky Anti-Virus"]) {
      const m = matchOf({ kind: "software", name });
      assert.equal(m?.product.id, "kaspersky-anti-virus", name);
      assert.ok(m!.confidence >= 0.9, `${name}: ${m!.confidence}`);
    }
    // other vendors' anti-virus stays theirs
    for (const name of ["Avast Free Antivirus", "ESET NOD32 Antivirus", "Bitdefender Antivirus Plus"]) assert.equal(matchOf({ kind: "software", name }), undefined, name);
  });
});
