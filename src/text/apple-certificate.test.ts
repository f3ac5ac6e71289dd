import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { APPLE_APP_CERTIFICATES, APPLE_CERTIFICATES, appleCertificate } from "./apple-certificate.js";

/** The pattern the function replaced: the reference for what it must answer. */
const REFERENCE = /^(?:Developer ID Application|Developer ID Installer|Apple Development|Apple Distribution|Mac Developer|3rd Party Mac Developer (?:Application|Installer)):\s*(.+?)\s*\(([A-Z0-9]{10})\)$/;

describe("Apple certificate names", () => {
  it("splits the kinds that name a vendor, and nothing else", () => {
    assert.deepEqual(appleCertificate("Developer ID Application: AO Kaspersky Lab (2Y8XE5CQ94)"), { name: "AO Kaspersky Lab", teamId: "2Y8XE5CQ94" });
    assert.deepEqual(appleCertificate("Developer ID Installer:  Kaspersky Lab UK Limited  (2Y8XE5CQ94)"), { name: "Kaspersky Lab UK Limited", teamId: "2Y8XE5CQ94" });
    assert.equal(appleCertificate("Developer ID Installer: Kaspersky Lab UK Limited (2Y8XE5CQ94)", APPLE_APP_CERTIFICATES), undefined, "an installer certificate does not sign an app");
    assert.equal(appleCertificate("Apple Mac OS Application Signing"), undefined);
    assert.equal(appleCertificate("Developer ID Application: (2Y8XE5CQ94)"), undefined, "no name");
    assert.equal(appleCertificate("Developer ID Application: AO Kaspersky Lab (2y8xe5cq94)"), undefined, "Team IDs are upper case");
    assert.deepEqual(appleCertificate("Mac Developer: A (B) (ABCDEFGHIJ)"), { name: "A (B)", teamId: "ABCDEFGHIJ" });
  });

  it("answers as the pattern it replaced (but for a name of spaces alone), on any text built from the parts that matter", () => {
    let matched = 0;
    const part = fc.constantFrom(...APPLE_CERTIFICATES, "Developer ID", ":", " ", "\t", "\n", "(", ")", "2Y8XE5CQ94", "ABC", "Kaspersky Lab", "x", "\u2028", "é");
    const certificate = fc.tuple(fc.constantFrom(...APPLE_CERTIFICATES), fc.array(part, { maxLength: 6 }), fc.constantFrom("(2Y8XE5CQ94)", "(ABC)", "")).map(([k, p, t]) => [k, ":", ...p, t]);
    fc.assert(
      fc.property(fc.oneof(fc.array(part, { maxLength: 12 }), certificate), (parts) => {
        const text = parts.join("");
        const found = REFERENCE.exec(text);
        // one difference, on purpose: a name of spaces alone (which the pattern took as the name) names no vendor
        const want = found && found[1]!.trim() !== "" ? { name: found[1], teamId: found[2] } : undefined;
        if (want) matched++;
        assert.deepEqual(appleCertificate(text), want, JSON.stringify(text));
      }),
      { numRuns: 20_000 },
    );
    // the generator must reach real certificate names, not only text that is none
    assert.ok(matched >= 20, `${matched} of the generated texts were certificate names`);
  });

  it("is linear on a long run of spaces (the pattern took 90 s at 40,000)", () => {
    const started = process.cpuUsage();
    for (const text of [`Developer ID Application:${" ".repeat(400_000)}x${" ".repeat(400_000)}(2Y8XE5CQ9`, `Developer ID Application: a${" ".repeat(400_000)}b (2Y8XE5CQ94)`]) appleCertificate(text);
    const cpu = process.cpuUsage(started);
    assert.ok(cpu.user + cpu.system < 1_000_000, `${(cpu.user + cpu.system) / 1000} ms of CPU`);
  });
});
