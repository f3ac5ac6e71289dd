import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import { parseAsOf } from "../policy/time.js";
import { createScanner, type ScannerOptions } from "./scanner.js";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalogOrThrow();
});

const KES = { kind: "software", name: "Kaspersky Endpoint Security for Windows", host: "ws-1", source: { file: "agent" } } as const;

/** The status a federal agency's Kaspersky Endpoint Security gets with these options. */
async function statusWith(options: Partial<ScannerOptions>): Promise<string | undefined> {
  const scanner = createScanner({ catalog, profile: "federal-agency", asOf: "2024-01-01", ...options });
  scanner.add(KES);
  return (await scanner.finish()).findings[0]?.status;
}

/** Options as JavaScript code might pass them, past the types. */
const loose = (options: Record<string, unknown>): ScannerOptions => ({ catalog, profile: "federal-agency", asOf: "2024-01-01", ...options }) as unknown as ScannerOptions;

describe("createScanner refuses options that would judge wrongly or fail deep inside", () => {
  it("a date string and parseAsOf's object judge alike (prohibited for a federal agency since DHS BOD 17-01)", async () => {
    assert.equal(await statusWith({ asOf: "2024-01-01" }), "prohibited");
    assert.equal(await statusWith({ asOf: parseAsOf("2024-01-01T12:00:00-05:00") }), "prohibited");
    assert.equal(await statusWith({ failOn: "none", today: "2024-01-01" }), "prohibited");
  });

  it("a Date as asOf, which judged on no date at all (deadline, not prohibited), is refused with what to pass instead", () => {
    assert.throws(() => createScanner(loose({ asOf: new Date("2024-01-01") })), (e: Error) => e instanceof TypeError && /^createScanner: asOf: expected a date \(YYYY-MM-DD\).*got a Date \(pass its toISOString\(\)/.test(e.message));
    assert.throws(() => createScanner(loose({ asOf: undefined })), /asOf: .* got nothing$/);
    assert.throws(() => createScanner(loose({ asOf: { date: "2024-02-30" } })), /asOf: .* got an object that is not \{ date: YYYY-MM-DD, instant\? \}$/);
  });

  it("a misspelt failOn, which made summary.failed false, is refused with the statuses", () => {
    assert.throws(() => createScanner(loose({ failOn: "prohibted" })), /^TypeError: createScanner: failOn: expected one of prohibited, unsupported, deadline, review, none; got "prohibted"$/);
  });

  it("a catalog that is not one, a bad today, exceptions that are no list, a hook that is no function: each named", () => {
    assert.throws(() => createScanner(loose({ catalog: {} })), /createScanner: catalog: expected a catalog, whose sources is a list; load one with loadActiveCatalog\(\) or loadCatalog\(\)/);
    assert.throws(() => createScanner(loose({ catalog: { ...catalog, digest: undefined } })), /catalog: expected a catalog, whose digest is a string/);
    assert.throws(() => createScanner(loose({ today: "01/02/2024" })), /today: expected a date \(YYYY-MM-DD\) or nothing \(the machine's clock\); got "01\/02\/2024"/);
    assert.throws(() => createScanner(loose({ exceptions: { product: "kaspersky-anti-virus" } })), /exceptions: expected an array/);
    assert.throws(() => createScanner(loose({ onFinding: "log" })), /onFinding: expected a function/);
  });

  it("a missing or misspelt profile is named with the catalog's profiles, before a bad asOf it hid", () => {
    // was: IctsError 'the catalog defines no profile "undefined"', whatever else was wrong
    const profiles = /^TypeError: createScanner: profile: expected one of the catalog's profiles \(federal-agency, federal-contractor, .*business, individual.*\); got /;
    assert.throws(() => createScanner(loose({ profile: undefined, proflie: "federal-agency" })), new RegExp(`${profiles.source}nothing$`));
    assert.throws(() => createScanner(loose({ profile: "goverment" })), new RegExp(`${profiles.source}"goverment"$`));
    assert.throws(() => createScanner(loose({ profile: "business", asOf: "2025-13-01" })), /invalid date "2025-13-01"/);
  });

  it("a catalog not awaited, or loadCatalog's result instead of its catalog, says so", async () => {
    const pending = Promise.resolve(catalog);
    assert.throws(() => createScanner(loose({ catalog: pending })), /catalog: expected a catalog, got a Promise: await loadActiveCatalog\(\) or loadCatalog\(\) first/);
    assert.throws(() => createScanner(loose({ catalog: { ok: true, catalog } })), /catalog: expected a catalog, got a load result \(\{ ok, \.\.\. \}\): pass its \.catalog/);
  });
});
