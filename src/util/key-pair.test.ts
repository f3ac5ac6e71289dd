import assert from "node:assert/strict";
import { createPublicKey, sign, verify } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { repoPath } from "../testing/index.js";
import { newKeyPair } from "./key-pair.js";

describe("newKeyPair", () => {
  for (const kind of ["ed25519", "rsa-2048"] as const) {
    it(`makes a ${kind} pair whose objects and PEM are the same keys, and that signs and verifies`, () => {
      const pair = newKeyPair(kind);
      assert.equal(pair.publicKey.asymmetricKeyType, kind === "ed25519" ? "ed25519" : "rsa");
      assert.deepEqual(createPublicKey(pair.privateKey).export({ format: "jwk" }), pair.publicKey.export({ format: "jwk" }));
      assert.equal(pair.publicKey.export({ type: "spki", format: "pem" }), pair.publicPem);
      const algorithm = kind === "ed25519" ? null : "sha256";
      const signature = sign(algorithm, Buffer.from("ictsguard"), pair.privateKey);
      assert.ok(verify(algorithm, Buffer.from("ictsguard"), pair.publicKey, signature));
      assert.ok(!verify(algorithm, Buffer.from("ictsguard"), newKeyPair(kind).publicKey, signature));
    });
  }

  // this module, and this test, whose pattern names the call
  const OWN = [join("util", "key-pair.ts"), join("util", "key-pair.test.ts")];
  const CALL = /\bgenerateKeyPair(Sync)?\s*\(/;

  it("is the only place that generates key pairs (a key exported straight from generateKeyPairSync can hang Node.js 20)", () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith(".ts") && !OWN.some((f) => path.endsWith(f)) && CALL.test(readFileSync(path, "utf8"))) offenders.push(relative(repoPath(), path));
      }
    };
    for (const dir of ["src", "test", "bench"]) walk(repoPath(dir));
    assert.deepEqual(offenders, []);
  });
});
