import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grantOf, safeReturnTo } from "./sign-in.js";

describe("sign-in: groups to a role, and returnTo", () => {
  const mapping = {
    admins: { role: "admin" as const, sites: null },
    "a-admins": { role: "admin" as const, sites: ["a"] },
    "b-admins": { role: "admin" as const, sites: ["b"] },
    "all-viewers": { role: "viewer" as const, sites: null },
    "c-analysts": { role: "analyst" as const, sites: ["c"] },
  };

  it("gives the highest role, with only the sites of the groups that grant it", () => {
    assert.deepEqual(grantOf(["all-viewers", "a-admins"], mapping), { role: "admin", sites: ["a"], groups: ["a-admins"] });
    assert.deepEqual(grantOf(["b-admins", "a-admins", "x"], mapping), { role: "admin", sites: ["a", "b"], groups: ["a-admins", "b-admins"] });
    assert.deepEqual(grantOf(["a-admins", "admins"], mapping), { role: "admin", sites: null, groups: ["a-admins", "admins"] });
    assert.deepEqual(grantOf(["c-analysts", "all-viewers"], mapping), { role: "analyst", sites: ["c"], groups: ["c-analysts"] });
  });

  it("gives nothing to a person in no mapped group (no default role)", () => {
    assert.equal(grantOf([], mapping), null);
    assert.equal(grantOf(["staff", "Admins", "toString", "__proto__"], mapping), null);
  });

  it("keeps returnTo on this server", () => {
    assert.equal(safeReturnTo(undefined), "/");
    assert.equal(safeReturnTo("/findings?state=open#x"), "/findings?state=open#x");
    assert.equal(safeReturnTo("/a/../b"), "/b");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil", "evil.example", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b", "/\tx", `/${"a".repeat(2001)}`]) {
      assert.equal(safeReturnTo(bad), null, bad);
    }
  });
});
