import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExceptionRule } from "../model/exception.js";
import { createExceptionMatcher, type ExceptionSubject } from "./exceptions.js";

const finding: ExceptionSubject = {
  source: { file: "inv/hosts.csv" },
  observation: { name: "Kaspersky Endpoint Security", host: "lab-07", path: "C:\\Lab\\KES", ids: { bundleId: "com.kaspersky.kav" } },
  vendor: "kaspersky",
  product: "kaspersky-endpoint-security",
};
const rule = (r: Partial<ExceptionRule>): ExceptionRule => ({ reason: "lab", author: "a@b", expires: "2099-12-31", ...r });

describe("exceptions", () => {
  it("applies when every selector matches and it has not expired", () => {
    const m = createExceptionMatcher([rule({ product: "kaspersky-*", host: "LAB-*" })], "2026-11-22");
    assert.equal(m(finding).active?.index, 1);
    assert.deepEqual(m(finding).expired, []);
  });
  it("applies through its expiry date, and is reported expired the day after", () => {
    const r = [rule({ product: "kaspersky-endpoint-security", expires: "2026-11-22" })];
    assert.ok(createExceptionMatcher(r, "2026-11-22")(finding).active);
    const next = createExceptionMatcher(r, "2026-11-23")(finding);
    assert.equal(next.active, undefined);
    assert.equal(next.expired[0]!.expires, "2026-11-22");
  });
  it("does not apply when one selector differs", () => {
    for (const r of [rule({ product: "kaspersky-endpoint-security", host: "prod-*" }), rule({ vendor: "huawei" }), rule({ path: "D:/**" }), rule({ identifier: "com.other" })]) {
      const o = createExceptionMatcher([r], "2026-11-22")(finding);
      assert.equal(o.active, undefined, JSON.stringify(r));
      assert.deepEqual(o.expired, []);
    }
  });
  it("matches paths with either slash, source files, and identifiers exactly", () => {
    assert.ok(createExceptionMatcher([rule({ path: "C:/Lab/**" })], "2026-01-01")(finding).active);
    assert.ok(createExceptionMatcher([rule({ path: "inv/*.csv" })], "2026-01-01")(finding).active);
    assert.ok(createExceptionMatcher([rule({ identifier: "COM.KASPERSKY.KAV" })], "2026-01-01")(finding).active);
  });
});
