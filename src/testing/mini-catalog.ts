/**
 * @module
 * A small catalog built in code, for testing the engine's semantics (matching, judging) apart
 * from the bundled data. It goes through the same schema as the YAML catalog, so its defaults
 * are the real ones. The vendor and its facts are invented on purpose ("Acme", "Zeta").
 */
import { CatalogFile, type Catalog } from "../model/catalog.js";

const cite = [{ source: "test-source", locator: "p. 1" }];

export function miniCatalog(): Catalog {
  const file = CatalogFile.parse({
    catalog: { version: "test", date: "2026-01-01" },
    sources: [{ id: "test-source", title: "Test Source" }],
    profiles: [
      { id: "federal-contractor", label: "Federal contractors", description: "x", holdingActions: ["use"] },
      { id: "business", label: "Businesses", description: "x", holdingActions: ["use"] },
      { id: "reseller", label: "Resellers", description: "x", holdingActions: ["use", "resell", "license"] },
      { id: "individual", label: "Individuals", description: "x", holdingActions: ["use"] },
    ],
    entities: [
      {
        id: "acme",
        name: "Acme",
        type: "group",
        country: "RU",
        aliases: [{ name: "Акме", kind: "brand", lang: "ru" }],
        publishers: ["Acme Labs", "Лаборатория Акме"],
        citations: cite,
      },
      { id: "ao-acme-labs", name: "AO Acme Labs", type: "organization", parent: "acme", country: "RU", citations: cite },
      { id: "zeta", name: "Zeta Telecom", type: "group", country: "CN", publishers: ["Zeta Telecom Co., Ltd."], citations: cite },
    ],
    products: [
      {
        id: "acme-antivirus",
        vendor: "acme",
        name: "Acme Anti-Virus",
        category: "antivirus",
        aliases: ["Антивирус Акме", "Acme Internet Security"],
        identifiers: {
          processes: ["acmeav.exe"],
          services: ["ACMEAV*"],
          drivers: ["acmeflt.sys"],
          bundleIds: ["com.acme.av"],
          bundleIdPrefixes: ["com.acme."],
          androidPackages: ["com.acme.mobile"],
          extensionIds: ["abcdefghijklmnopabcdefghijklmnop"],
          packages: ["deb/acme-av", "rpm/acme-av"],
          cpes: ["acme:acme_anti-virus"],
          signers: ["AO Acme Labs"],
          domains: ["upd.acme.test"],
          paths: ["C:\\Program Files\\Acme Labs\\"],
        },
        remediation: "Uninstall Acme Anti-Virus.",
        citations: cite,
      },
      { id: "acme-threat-intel", vendor: "acme", name: "Acme Threat Intelligence Portal", category: "threat-intelligence", citations: cite },
      { id: "acme-unidentified", vendor: "acme", name: "Acme software (product not identified)", category: "cybersecurity", identifiers: { cpes: ["acme:*"] }, citations: cite },
      { id: "partner-av", vendor: "acme", name: "Partner Shield (Acme engine inside)", category: "antivirus", relation: "integration", citations: cite },
      { id: "zeta-router", vendor: "zeta", name: "Zeta Router Manager", category: "telecom-equipment", citations: cite },
    ],
    lookalikes: [
      { id: "acmeville-av", description: "Acmeville AV is another company's product", names: ["Acmeville*"], citations: cite },
      { id: "acme-replacement", description: "UltraAcme replaced Acme; it is not Acme software", names: ["UltraAcme"], identifiers: { extensionIds: ["zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"] }, citations: cite },
    ],
    rules: [
      {
        id: "fd-acme",
        title: "Final Determination: Acme",
        kind: "prohibition",
        authority: { agency: "Test", legal: ["Test Act"] },
        entities: ["ao-acme-labs"],
        categories: ["antivirus", "endpoint-security", "cybersecurity"],
        excludedCategories: ["threat-intelligence"],
        coversIntegrations: true,
        summary: "x",
        remediation: "Replace before updates stop.",
        citations: cite,
        phases: [
          { id: "p1", label: "New agreements barred", from: "2024-07-20", fromConfirmed: false, prohibits: [{ roles: ["any"], actions: ["buy", "renew"] }], citations: cite },
          { id: "p2", label: "Updates, resale and licensing barred", from: "2024-09-29T00:00:00-04:00", prohibits: [{ roles: ["any"], actions: ["update", "resell", "license", "integrate"] }], citations: cite },
        ],
      },
      {
        id: "far-acme",
        title: "Contractor rule: Acme",
        kind: "prohibition",
        authority: { agency: "Test", legal: ["Test Act"] },
        entities: ["acme"],
        summary: "x",
        citations: cite,
        phases: [{ id: "p", label: "Contractors may not use", from: "2018-10-01", prohibits: [{ roles: ["federal-contractor"], actions: ["use", "buy"] }], obligations: ["Report within 3 business days."], citations: cite }],
      },
      {
        id: "list-zeta",
        title: "Covered List",
        kind: "listing",
        authority: { agency: "Test", legal: ["Test Act"] },
        entities: ["zeta"],
        summary: "x",
        citations: cite,
        phases: [{ id: "added", label: "Added to the list", from: "2021-03-12", citations: cite }],
      },
    ],
  });
  return {
    version: "test",
    date: "2026-01-01",
    digest: "0".repeat(64),
    sources: file.sources,
    entities: file.entities,
    products: file.products,
    lookalikes: file.lookalikes,
    rules: file.rules,
    profiles: file.profiles,
  };
}
