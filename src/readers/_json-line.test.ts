/**
 * The JSON line check steps the catalog prefilter's automaton in the same pass (results logs'
 * fast path). Property: on any line the check accepts, its `literalHit` says exactly what the
 * prefilter's own scan of the whole line says, so a line it clears is one the prefilter clears.
 * The lines are fast-check's JSON objects with the bundled catalog's literals planted as keys,
 * string values (plain, upper case, around escapes, beside non-ASCII text) and numbers.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { loadCatalogOrThrow } from "../catalog/index.js";
import { buildCatalogIndex, type CatalogIndex } from "../match/catalog-index.js";
import { buildPrefilter, type Prefilter } from "../match/prefilter.js";
import { checkJsonLine, createJsonLineShape } from "./_json-line.js";

let prefilter: Prefilter;

before(async () => {
  prefilter = buildPrefilter(buildCatalogIndex(await loadCatalogOrThrow()));
});

const ASKED = ["columns", "action"];
/** The characters JSON writes as a backslash and a letter. */
const ESCAPED: Record<string, string> = { n: "\n", r: "\r", t: "\t", f: "\f", b: "\b" };

/** What the check says of one line, beside the prefilter's scan of the same bytes. */
function judge(line: string): { ok: boolean; fused: boolean; scanned: boolean } {
  const bytes = Buffer.from(line, "utf8");
  const shape = createJsonLineShape(ASKED.length);
  const ok = checkJsonLine(bytes, 0, bytes.length, ASKED, "columns", shape, prefilter.automaton());
  return { ok, fused: shape.literalHit, scanned: prefilter.scan(bytes, 0, bytes.length) !== -1 };
}

describe("the JSON line check's prefilter pass", () => {
  it("has the automaton to step (the bundled catalog's prefilter is on)", () => {
    assert.ok(prefilter.enabled);
    assert.ok(prefilter.automaton());
  });

  it("hits on a literal wherever it stands in a line, and not on a clean line", () => {
    const literal = prefilter.literals.find((l) => /^[a-z]{6,}$/.test(l))!;
    const number = prefilter.literals.find((l) => /^\d+$/.test(l));
    const lines = [
      `{"columns":{"name":"${literal}"}}`,
      `{"columns":{"name":"x ${literal.toUpperCase()} y"}}`,
      `{"${literal}":1,"columns":{"name":"x"}}`,
      `{"columns":{"name":"x\\n${literal}\\t"}}`,
      `{"columns":{"name":"\\/${literal}"}}`,
      `{"columns":{"name":"x"},"other":["${literal}"]}`,
      `{"columns":{"name":"Лаборатория"}}`, // non-ASCII: the prefilter cannot judge it
      `{"columns":{"name":"50%25"}}`, // a percent-escape: the same
      ...(number ? [`{"columns":{"name":"x"},"n":${number}}`, `{"columns":{"name":"x"},"n":-${number}.5e3}`] : []),
    ];
    for (const line of lines) assert.deepEqual(judge(line), { ok: true, fused: true, scanned: true }, line);
    assert.deepEqual(judge(`{"columns":{"name":"x","version":"1.0"},"action":"added","n":3,"t":true}`), { ok: true, fused: false, scanned: false });
  });

  it("steps over bare words and numbers too (a catalog whose literals stand in them)", () => {
    // an index with two keys only: `rue` (inside `true`) and `4242`
    const keys = new Map([["name", new Map([["rue", []], ["4242", []]])]]);
    const index = {
      exact: keys,
      packageNames: new Map(),
      prefixes: new Map(),
      aliasesByFirstToken: new Map(),
      publishers: new Map(),
      brands: [],
      lookalikes: { names: new Map(), namePrefixes: [], publishers: new Map(), identifiers: new Map() },
    } as unknown as CatalogIndex;
    const own = buildPrefilter(index);
    assert.deepEqual([...own.literals].sort(), ["4242", "rue"]);
    const hit = (line: string): boolean => {
      const bytes = Buffer.from(line);
      const shape = createJsonLineShape(ASKED.length);
      assert.ok(checkJsonLine(bytes, 0, bytes.length, ASKED, "columns", shape, own.automaton()), line);
      return shape.literalHit;
    };
    assert.equal(hit(`{"columns":{"a":true}}`), true);
    assert.equal(hit(`{"columns":{"a":false},"b":[1,null]}`), false);
    assert.equal(hit(`{"columns":{"a":"x"},"n":[14242]}`), true);
    assert.equal(hit(`{"columns":{"a":"x"},"n":[4241,42.42]}`), false);
  });

  it("agrees with the prefilter's scan on every line it accepts (property)", () => {
    const literals = prefilter.literals;
    const planted = fc.oneof(
      fc.constantFrom(...literals),
      fc.constantFrom(...literals).map((l) => l.toUpperCase()),
      fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...literals), fc.string({ maxLength: 6 })).map(([a, l, b]) => a + l + b),
      fc.tuple(fc.constantFrom("\n", "\t", "/", "\\", '"', "é", "卡"), fc.constantFrom(...literals)).map(([e, l]) => e + l),
      // an escape whose letter begins a literal: the raw bytes hold the literal (`\n` + `od32`), the text does not
      fc.constantFrom(...literals.filter((l) => /^[nrtfb]/.test(l))).map((l) => ESCAPED[l[0]!]! + l.slice(1)),
    );
    const text = fc.oneof(fc.string({ maxLength: 20 }), planted);
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(true, false, null),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(text, tie("value"), { maxKeys: 3 }),
      ),
    })).value;
    const line = fc.record({ columns: fc.dictionary(text, fc.oneof(text, fc.integer()), { maxKeys: 5 }), rest: fc.dictionary(text, value, { maxKeys: 3 }) });
    let accepted = 0;
    fc.assert(
      fc.property(line, ({ columns, rest }) => {
        const json = JSON.stringify({ ...rest, columns });
        const r = judge(json);
        if (!r.ok) return;
        accepted++;
        assert.equal(r.fused, r.scanned, json);
      }),
      { numRuns: 3000 },
    );
    // the check accepts most of these lines (it leaves `\u` escapes and repeated keys to the full path)
    assert.ok(accepted > 1000, `only ${accepted} lines were accepted`);
  });
});
