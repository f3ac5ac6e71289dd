/**
 * `debPackageUrl` writes a deb purl itself when name, version and arch are plain (DEB_PLAIN):
 * property, on random strings of those characters and of any others, it gives exactly what
 * `packageUrl` (packageurl-js) gives; and DEB_PLAIN holds only characters packageurl-js writes
 * as they are, so the dpkg fast path's argument (a plain value stands in the purl as it is) holds.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DEB_PLAIN, debPackageUrl, packageUrl } from "./_purl.js";

const plain = (chars: string, minLength = 0) => fc.array(fc.constantFrom(...chars), { minLength, maxLength: 12 }).map((a) => a.join(""));
/** Plain text now and then spoiled by a character that may need encoding. */
const mixed = (chars: string, minLength = 0) =>
  fc.oneof(plain(chars, minLength), fc.tuple(plain(chars), fc.constantFrom(..." %@?#/=&+:!'()*\u00e9\u041a\t"), plain(chars)).map(([a, c, b]) => a + c + b));
const optional = (a: fc.Arbitrary<string>) => fc.option(a, { nil: undefined });

describe("deb purls", () => {
  it("writes what packageurl-js writes, for plain and other parts", () => {
    fc.assert(
      fc.property(mixed(DEB_PLAIN.name, 1), optional(mixed(DEB_PLAIN.version)), optional(mixed(DEB_PLAIN.arch)), (name, version, arch) => {
        assert.equal(debPackageUrl(name, version, arch), packageUrl("deb", name, version, { arch }));
      }),
      { numRuns: 5000 },
    );
  });

  it("the corner cases: epochs, +, ~, dots, case, empty parts", () => {
    const cases: [string | undefined, string | undefined, string | undefined][] = [
      ["kesl", "12.1.0.1543", "amd64"],
      ["KESL", "1:2.3+deb12u1~rc1", "ARM64"],
      ["libstdc++6", "12.2.0-14", "amd64"],
      [".", ".", "."],
      ["a~b", "~", undefined],
      ["x", "", ""],
      ["x", undefined, undefined],
      ["", "1", "all"],
      [undefined, "1", "all"],
    ];
    for (const [n, v, a] of cases) assert.equal(debPackageUrl(n, v, a), packageUrl("deb", n, v, { arch: a }), `${n} ${v} ${a}`);
    assert.equal(debPackageUrl("KESL", "1:2.3+deb12u1~rc1", "amd64"), "pkg:deb/kesl@1:2.3+deb12u1~rc1?arch=amd64");
  });

  it("DEB_PLAIN's characters stand in the purl as they are (a deb name in lower case)", () => {
    for (const c of DEB_PLAIN.name) assert.equal(packageUrl("deb", `a${c}b`, undefined), `pkg:deb/a${c.toLowerCase()}b`, c);
    for (const c of DEB_PLAIN.version) assert.equal(packageUrl("deb", "a", `1${c}2`), `pkg:deb/a@1${c}2`, c);
    for (const c of DEB_PLAIN.arch) assert.equal(packageUrl("deb", "a", "1", { arch: `x${c}y` }), `pkg:deb/a@1?arch=x${c}y`, c);
  });
});
