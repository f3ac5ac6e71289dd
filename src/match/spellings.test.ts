/**
 * Issue 12, classes 1 and 2, for every vendor the catalog covers: each catalog domain in every log
 * spelling, and each catalog service in every platform's spelling, names the same product as the
 * catalog's own spelling. The spellings are transformations of the catalog's identifiers (the
 * identifiers themselves are the catalog's), so a new vendor's identifiers are tested too.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Observation } from "../model/observation.js";
import { bundledCatalog } from "../testing/host.js";
import { identifierValue } from "./catalog-index.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "./index.js";
import { normalizeDomain, normalizeServiceName } from "../text/fold.js";

const at = { file: "spellings" };
const productOf = (o: Observation, index: CatalogIndex) => matchObservation(o, index).matches[0]?.product.id;

describe("identifier spellings", () => {
  let index: CatalogIndex;
  let domains: { product: string; value: string }[];
  let services: { product: string; value: string }[];
  before(async () => {
    const catalog = await bundledCatalog();
    index = buildCatalogIndex(catalog);
    const values = (kind: "domains" | "services") =>
      catalog.products.flatMap((p) => (p.identifiers[kind] ?? []).map((v) => ({ product: p.id, value: identifierValue(v).value })).filter((v) => !v.value.endsWith("*")));
    domains = values("domains");
    services = values("services");
  });

  test("normalizeDomain: case, the trailing dot, punycode and Unicode", () => {
    assert.equal(normalizeDomain("S01.UPD.Kaspersky.COM."), "s01.upd.kaspersky.com");
    assert.equal(normalizeDomain(" host.example.. "), "host.example");
    assert.equal(normalizeDomain("ПРИМЕР.испытание"), "xn--e1afmkfd.xn--80akhbyknj4f");
    assert.equal(normalizeDomain("XN--E1AFMKFD.XN--80AKHBYKNJ4F."), "xn--e1afmkfd.xn--80akhbyknj4f");
  });

  test("normalizeServiceName: systemd suffixes and instances, launchd plist names, paths", () => {
    assert.equal(normalizeServiceName("kesl.service"), "kesl");
    assert.equal(normalizeServiceName("klnagent64@1.service"), "klnagent64");
    assert.equal(normalizeServiceName("/etc/systemd/system/kesl.timer"), "kesl");
    assert.equal(normalizeServiceName("com.kaspersky.kav.plist"), "com.kaspersky.kav");
    assert.equal(normalizeServiceName("KSDE1.0.0"), "ksde1.0.0", "a Windows service name with dots keeps them");
    assert.equal(normalizeServiceName("AVP21.24"), "avp21.24");
  });

  test("every catalog domain matches its product in every log spelling, and a look-alike host does not", () => {
    assert.ok(domains.length > 50);
    const forms = [(h: string) => h.toUpperCase(), (h: string) => `${h}.`, (h: string) => `${h.toUpperCase()}.`, (h: string) => h.replace(/[a-z]/g, (c, i) => (i % 2 ? c.toUpperCase() : c))];
    const wrong: string[] = [];
    for (const { product, value } of domains) {
      for (const form of forms) {
        const name = form(value);
        const got = productOf({ kind: "domain", name, source: at }, index);
        if (got !== product) wrong.push(`${name} → ${got} (expected ${product})`);
      }
      const suffixTrap = productOf({ kind: "domain", name: `${value}.example.net`, source: at }, index);
      if (suffixTrap) wrong.push(`${value}.example.net → ${suffixTrap}`);
    }
    assert.deepEqual(wrong, []);
  });

  test("every catalog service matches its product as a systemd unit, a template instance, a socket or timer, and a launchd plist name", () => {
    assert.ok(services.length > 10);
    const forms = [(s: string) => `${s}.service`, (s: string) => `${s}@1.service`, (s: string) => `${s}.socket`, (s: string) => `${s}.timer`, (s: string) => `${s}.plist`, (s: string) => s.toUpperCase()];
    const wrong: string[] = [];
    for (const { product, value } of services) {
      for (const form of forms) {
        const name = form(value);
        const got = productOf({ kind: "service", name, source: at }, index);
        if (got !== product) wrong.push(`${name} → ${got} (expected ${product})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test("a Windows service's display name matches the product as its name does", () => {
    assert.equal(productOf({ kind: "service", name: "klnagent", source: at }, index), "kaspersky-security-center");
    assert.equal(productOf({ kind: "service", name: "Kaspersky Security Center Network Agent", source: at }, index), "kaspersky-security-center");
  });

  test("a suffix is taken off only at the end: other services keep their names", () => {
    assert.equal(productOf({ kind: "service", name: "kesl-helper.service", source: at }, index), undefined);
    assert.equal(productOf({ kind: "service", name: "avahi-daemon.service", source: at }, index), undefined);
  });
});
