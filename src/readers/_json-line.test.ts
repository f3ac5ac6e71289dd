/**
 * The JSON line check steps the catalog prefilter's automaton in the same pass (results logs'
 * fast path). Property: on any line the check accepts, its `literalHit` says exactly what the
 * prefilter's own scan of the whole line says, so a line it clears is one the prefilter clears.
 * The lines are fast-check's JSON objects with the bundled catalog's literals planted as keys,
 * string values (plain, upper case, around escapes, beside non-ASCII text) and numbers.
 *
 * A second property holds the check to the grammar: on such lines with bytes deleted, inserted or
 * replaced (quotes, escapes, control characters, structure, non-ASCII), every line it accepts is
 * one `JSON.parse` reads as an object, with the keys and non-blank values the check noted.
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

describe("the JSON line check's grammar", () => {
  /** What the check says of `bytes`, with the shape it filled (columns' keys and non-blank flags). */
  function check(bytes: Buffer): { ok: boolean; keys: string[]; nonBlank: boolean[] } {
    const shape = createJsonLineShape(ASKED.length);
    const ok = checkJsonLine(bytes, 0, bytes.length, ASKED, "columns", shape, prefilter.automaton());
    const keys: string[] = [];
    const nonBlank: boolean[] = [];
    if (ok && shape.kinds[0] === 1) {
      for (let k = 0; k < shape.keyCount; k++) {
        keys.push(bytes.toString("utf8", shape.keyStarts[k]!, shape.keyEnds[k]!));
        nonBlank.push(shape.nonBlank[k] === 1);
      }
    }
    return { ok, keys, nonBlank };
  }

  /** JSON.parse's reading of the same bytes: an object, or undefined when it throws or gives anything else. */
  function parsed(bytes: Buffer): Record<string, unknown> | undefined {
    try {
      const v: unknown = JSON.parse(bytes.toString("utf8"));
      return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Bytes that break or bend JSON where they land: quotes, escapes, control characters, structure, non-ASCII. */
  const NASTY = [0x22, 0x5c, 0x01, 0x0a, 0x09, 0x1f, 0x20, 0x7f, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x75, 0x6e, 0x74, 0x62, 0x2f, 0x30, 0x2d, 0x65, 0xd0, 0x80];

  it("accepts only what JSON.parse reads as one object, and notes the columns' keys and blanks as it reads them (property)", () => {
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(" ", "\t", "\\", '"', "\n\t\r\f", "\b", "/", " x ", "é", "\u0001"), fc.constantFrom(...prefilter.literals));
    const cell = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(true, false, null), fc.constant({}), fc.array(fc.integer(), { maxLength: 2 }));
    const line = fc.record({ columns: fc.dictionary(text, cell, { maxKeys: 5 }), action: fc.oneof(text, fc.integer()), rest: fc.dictionary(text, cell, { maxKeys: 2 }) });
    const edit = fc.array(
      fc.record({ at: fc.nat(), kind: fc.constantFrom("delete", "insert", "replace"), byte: fc.constantFrom(...NASTY) }),
      { maxLength: 2 },
    );
    let accepted = 0;
    let broken = 0;
    fc.assert(
      fc.property(line, edit, fc.boolean(), ({ columns, action, rest }, edits, spaced) => {
        let bytes = Buffer.from(JSON.stringify({ ...rest, columns, action }, null, spaced ? 1 : 0).replace(/\n/g, " "));
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          const b = Buffer.from([e.byte]);
          if (e.kind === "delete") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
          else if (e.kind === "insert") bytes = Buffer.concat([bytes.subarray(0, at), b, bytes.subarray(at)]);
          else bytes = Buffer.concat([bytes.subarray(0, at), b, bytes.subarray(at + 1)]);
        }
        const r = check(bytes);
        const object = parsed(bytes);
        if (!r.ok) {
          if (object === undefined) broken++;
          return;
        }
        accepted++;
        assert.ok(object !== undefined, `accepted what JSON.parse rejects: ${bytes.toString("latin1")}`);
        const cols = object.columns;
        if (cols === null || typeof cols !== "object" || Array.isArray(cols)) return;
        const entries = Object.entries(cols as Record<string, unknown>);
        // JSON.parse orders integer-like keys first and keeps the last of a repeated key; the
        // check notes every key in line order
        assert.deepEqual([...new Set(r.keys)].sort(), entries.map(([k]) => k).sort(), bytes.toString("latin1"));
        for (let k = 0; k < r.keys.length; k++) {
          if (r.keys.indexOf(r.keys[k]!) !== r.keys.lastIndexOf(r.keys[k]!)) continue;
          const v: unknown = (cols as Record<string, unknown>)[r.keys[k]!];
          const expected: boolean = typeof v === "string" ? v.trim() !== "" : typeof v === "number";
          assert.equal(r.nonBlank[k], expected, `${r.keys[k]} in ${bytes.toString("latin1")}`);
        }
      }),
      { numRuns: 5000 },
    );
    assert.ok(accepted > 1000 && broken > 500, `accepted ${accepted}, broken and rejected ${broken}`);
  });
});
