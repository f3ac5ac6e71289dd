import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { Observation } from "../model/observation.js";
import { OBSERVATION_KINDS } from "../model/vocabulary.js";
import { observationProblem } from "./observation-check.js";
import { createScanner } from "./scanner.js";

/** Any JSON-ish value, or undefined: what a field holds when it is wrong. */
const anything = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
);
/** Mostly a valid value, sometimes anything (about one field in 15 of an observation is wrong). */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 14, arbitrary: valid }, { weight: 1, arbitrary: anything });
const text = fc.string({ maxLength: 6 });
const count = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 1000 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300, Number.NaN, Number.POSITIVE_INFINITY, -0) });

const source = fc.record(
  { file: mostly(text), line: mostly(count), record: mostly(count), pointer: mostly(text), document: mostly(text), reader: mostly(text), other: anything },
  { requiredKeys: ["file"] },
);
const ids = fc.record(
  { purl: mostly(text), cpe: mostly(text), bundleId: mostly(text), packageId: mostly(text), extensionId: mostly(text), sha256: mostly(text), swidTagId: mostly(text), signer: mostly(text), model: mostly(text), mac: mostly(text), other: anything },
  { requiredKeys: [] },
);
const change = fc.record(
  { action: mostly(fc.constantFrom("added", "removed")), row: mostly(text), other: anything },
  { requiredKeys: ["action", "row"] },
);
const observation = fc.record(
  {
    kind: mostly(fc.constantFrom(...OBSERVATION_KINDS, "softwre", "Software")),
    name: mostly(text),
    vendor: mostly(text),
    version: mostly(text),
    path: mostly(text),
    host: mostly(text),
    seenAt: mostly(text),
    ids: mostly(ids),
    change: mostly(change),
    source: mostly(source),
    other: anything,
  },
  { requiredKeys: ["kind", "name", "source"] },
);

describe("observationProblem: the Observation schema without zod", () => {
  it("says nothing exactly when the zod schema (src/model/observation.ts) accepts the value", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 12, arbitrary: observation }, { weight: 1, arbitrary: anything }), (value) => {
        const ours = observationProblem(value);
        const zod = Observation.safeParse(value);
        if (zod.success) accepted++;
        assert.equal(ours === undefined, zod.success, `${ours ?? "accepted"} / zod: ${zod.success ? "accepted" : zod.error.issues.map((i) => i.path.join(".")).join(", ")}`);
      }),
      { numRuns: 5000 },
    );
    // the generator reaches both answers, often: about 1,100 of 5,000 are accepted (±30 from run to run)
    assert.ok(accepted > 600 && accepted < 4400, `${accepted} of 5000 accepted`);
  });

  it("names the field, what it expected and what it got, with controls shown as escapes", () => {
    assert.equal(observationProblem({ kind: "software", name: "Kaspersky Anti-Virus" }), "source: expected an object ({ file, line?, ... }: where the observation was made), got undefined");
    assert.equal(observationProblem({ kind: "software", name: 42, source: { file: "a.csv" } }), "name: expected a string, got number 42");
    assert.equal(observationProblem({ kind: "softwre", name: "x", source: { file: "a.csv" } }), `kind: expected one of ${OBSERVATION_KINDS.join(", ")}, got "softwre"`);
    assert.equal(observationProblem({ kind: "software", name: "x", source: { file: "a.csv", line: 0 } }), "source.line: expected a whole number from 1 or nothing, got number 0");
    assert.equal(observationProblem({ kind: "software", name: "x", ids: { purl: ["pkg:npm/x"] }, source: { file: "a.csv" } }), "ids.purl: expected a string or nothing, got an array");
    assert.equal(observationProblem({ kind: "software", name: "x", host: "pc\u202e1", vendor: 7, source: { file: "a.csv" } }), "vendor: expected a string or nothing, got number 7");
    assert.equal(observationProblem({ kind: "\u001b[31mred", name: "x", source: { file: "a.csv" } }), `kind: expected one of ${OBSERVATION_KINDS.join(", ")}, got "\\u001B[31mred"`);
    assert.equal(observationProblem(null), "expected an object (an Observation), got null");
    assert.equal(observationProblem({ kind: "software", name: { text: "x" }, source: { file: "a.csv" } }), "name: expected a string, got an object");
  });
});

describe("scanner.add refuses what is not an Observation", () => {
  it("throws a TypeError naming the call and the field; the observations before it are kept, and later ones still taken", async () => {
    const scanner = createScanner({ catalog: await loadCatalogOrThrow(), profile: "business", asOf: "2025-01-01" });
    scanner.add({ kind: "software", name: "Kaspersky Endpoint Security for Windows", host: "ws-1", source: { file: "agent" } });
    // a name that is not a string would match nothing: refused, never passed as clean
    assert.throws(
      () => scanner.add({ kind: "software", name: 42, host: "ws-2", source: { file: "agent" } } as unknown as Observation),
      (e: Error) => e instanceof TypeError && /^scanner\.add: observation 2 is not an Observation \(name: expected a string, got number 42\)/.test(e.message),
    );
    assert.throws(() => scanner.add({ kind: "software", name: "Kaspersky Internet Security", host: "ws-3" } as unknown as Observation), /observation 3 is not an Observation \(source: expected an object/);
    scanner.add({ kind: "software", name: "Kaspersky Internet Security", host: "ws-4", source: { file: "agent" } });
    const report = await scanner.finish();
    assert.deepEqual(
      report.findings.map((f) => [f.observation.host, f.product]),
      [
        ["ws-1", "kaspersky-endpoint-security"],
        ["ws-4", "kaspersky-internet-security"],
      ],
    );
    assert.equal(report.summary.observations, 2);
  });
});
