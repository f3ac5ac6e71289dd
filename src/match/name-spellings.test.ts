/**
 * Product names written as ids (CamelCase, dotted, underscored: winget, Chocolatey and Intune ids,
 * MDM exports) or with invisible characters inside (a soft hyphen, a zero-width space or joiner,
 * a BOM) name the same product as the catalog's spelling, on the bundled catalog; and reading
 * CamelCase finds nothing new in the names of other vendors' software.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Observation } from "../model/observation.js";
import type { NameParts } from "../text/fold.js";
import { bundledCatalog } from "../testing/host.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "./index.js";
import { hasRun, runEnd } from "./name-run.js";

let index: CatalogIndex;
before(async () => {
  index = buildCatalogIndex(await bundledCatalog());
});
const at = { file: "names.csv", line: 2 };
const verdict = (o: Omit<Observation, "source">): string => {
  const r = matchObservation({ ...o, source: at }, index);
  if (r.lookalike) return `look-alike ${r.lookalike.lookalike.id}`;
  return r.matches.map((m) => `${m.product.id} ${m.confidence >= 0.7 ? "found" : "review"}`).join(", ") || "clean";
};

describe("name spellings of catalog products", () => {
  it("CamelCase, dotted and underscored ids name the product the spaced name does, as surely", () => {
    const cases: [string, string][] = [
      ["KasperskyTotalSecurity", "kaspersky-total-security found"],
      ["Kaspersky.TotalSecurity", "kaspersky-total-security found"],
      ["Kaspersky_Total_Security", "kaspersky-total-security found"],
      ["KasperskyEndpointSecurityForWindows", "kaspersky-endpoint-security found"],
      ["Kaspersky EndPoint Security", "kaspersky-endpoint-security found"],
      ["KasperskyAntivirus", "kaspersky-anti-virus found"],
      ["Kaspersky.SecurityCloud", "kaspersky-security-cloud found"],
      ["Kaspersky.KasperskyVPNSecureConnection", "kaspersky-vpn-secure-connection found"],
      ["HuaweiHiSuite", "huawei-hisuite found"],
      ["HikConnect", "hikvision-hik-connect found"],
    ];
    for (const [name, expected] of cases) assert.equal(verdict({ kind: "software", name }), expected, name);
    // a Kaspersky product's name with the vendor given apart
    assert.equal(verdict({ kind: "software", name: "TotalSecurity", vendor: "AO Kaspersky Lab" }), "kaspersky-total-security found");
  });

  it("invisible characters inside a name are read as not there", () => {
    const cases: [string, string][] = [
      ["Kaspersky\u00ADTotal Security", "kaspersky-total-security found"],
      ["Kas\u200Bpersky Safe Kids", "kaspersky-safe-kids found"],
      ["Kaspersky\u2060Password\u200DManager", "kaspersky-password-manager found"],
      ["\uFEFFKaspersky Internet\u00A0Security", "kaspersky-internet-security found"],
      // a zero-width space stands between words, in a lower-case name as well
      ["kaspersky\u200Btotal security", "kaspersky-total-security found"],
      ["Kas\u00ADpersky\u00ADTotal\u00ADSecurity", "kaspersky-total-security found"],
      ["\u200B\u200BKaspersky\u200B\u200B Free", "kaspersky-free found"],
    ];
    for (const [name, expected] of cases) assert.equal(verdict({ kind: "software", name }), expected, JSON.stringify(name));
  });

  it("a brand word in a CamelCase name or install folder is the brand word", () => {
    assert.equal(verdict({ kind: "software", name: "KasperskyUpdater" }), "kaspersky-unidentified review");
    // avp.exe run from Kaspersky's data folder is not another program's avp.exe
    assert.equal(verdict({ kind: "process", name: "avp.exe", path: "C:\\ProgramData\\KasperskyLab\\avp.exe" }), "kaspersky-unidentified found");
  });

  it("other vendors' CamelCase names stay clean or their look-alikes", () => {
    const cases: [string, string][] = [
      ["McAfee", "look-alike other-av-vendors"],
      ["iPhone", "clean"],
      ["PowerShell", "clean"],
      ["GitHub Desktop", "clean"],
      ["TeamViewer", "clean"],
      ["AnyDesk", "clean"],
      ["OneDrive", "clean"],
      ["KeePassXC", "clean"],
      ["ksnip", "look-alike debian-k-packages"],
      ["Checkmarx KICS", "look-alike checkmarx-kics"],
      ["Kaspresso", "look-alike kaspersky-kaspresso"],
      // look-alikes named in CamelCase are look-alikes
      ["CheckmarxKICS", "look-alike checkmarx-kics"],
      ["KasperskyHexaUI", "look-alike kaspersky-hexa-ui"],
      ["AliensVsPredator", "look-alike game-aliens-vs-predator"],
      // a token never spans a space: "App Gallery" is not Huawei's AppGallery
      ["App Gallery Manager", "clean"],
    ];
    for (const [name, expected] of cases) {
      assert.equal(verdict({ kind: "software", name }), expected, name);
      assert.equal(verdict({ kind: "software", name, vendor: "Example Software Inc." }), expected, `${name} by another vendor`);
    }
  });
});

describe("runEnd", () => {
  const parts = (text: string): NameParts => {
    // "kaspersky+total security": + glues two parts of one word
    const p: string[] = [];
    const g: boolean[] = [];
    for (const word of text.split(" ")) word.split("+").forEach((part, i, all) => void (p.push(part), g.push(i < all.length - 1)));
    return { parts: p, glued: g };
  };

  it("reads a token as one part or as glued parts, never across a word's end", () => {
    assert.equal(runEnd(parts("kaspersky+total+security"), 0, ["kaspersky", "total", "security"]), 3);
    assert.equal(runEnd(parts("kaspersky end+point security"), 0, ["kaspersky", "endpoint", "security"]), 4);
    assert.equal(runEnd(parts("huawei+hi+suite"), 0, ["huawei", "hisuite"]), 3);
    assert.equal(runEnd(parts("app gallery"), 0, ["appgallery"]), -1);
    assert.equal(runEnd(parts("kaspersky+totals"), 0, ["kaspersky", "total"]), -1);
    assert.equal(runEnd(parts("kaspersky+total+security+suite"), 1, ["total", "security"]), 3);
    assert.equal(runEnd(parts("kaspersky"), 0, ["kaspersky", "total"]), -1);
    assert.ok(hasRun(parts("my+kaspersky+lab+tools"), ["kaspersky", "lab"]));
    assert.ok(!hasRun(parts("mykaspersky+tools"), ["kaspersky"]));
  });
});
