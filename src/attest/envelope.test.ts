import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ATTESTATION_PAYLOAD_TYPE, canonicalJson, keyIdOf, pae, signStatement, verifyEnvelope } from "./envelope.js";
import { newKeyPair } from "../util/key-pair.js";

describe("attest: the signed envelope", () => {
  it("encodes PAE as the DSSE spec's example", () => {
    assert.equal(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString(), "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    // lengths are bytes, not characters
    assert.equal(pae("t", Buffer.from("é")).toString(), "DSSEv1 1 t 2 é");
  });

  it("writes RFC 8785 canonical JSON that any JSON parser reads, control characters included", () => {
    const value = { b: 1, a: [true, null, "line\nbreak\u0001"], "\u00e9": { z: -0, y: 1e21, x: 0.1 }, A: "x", skipped: undefined };
    const text = canonicalJson(value);
    assert.equal(text, '{"A":"x","a":[true,null,"line\\nbreak\\u0001"],"b":1,"é":{"x":0.1,"y":1e+21,"z":0}}');
    assert.deepEqual(JSON.parse(text), { A: "x", a: [true, null, "line\nbreak\u0001"], b: 1, "\u00e9": { x: 0.1, y: 1e21, z: 0 } });
    assert.equal(canonicalJson(JSON.parse(text)), text, "stable");
    assert.throws(() => canonicalJson({ n: Number.NaN }), /NaN/);
  });

  it("signs and verifies; a changed payload, a wrong type or another key is invalid", () => {
    const { publicKey, privateKey } = newKeyPair("ed25519");
    const other = newKeyPair("ed25519").publicKey;
    const keyId = keyIdOf(publicKey);
    assert.match(keyId, /^[0-9a-f]{64}$/);
    const statement = { site: "a", signingKey: { keyId, publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() } };
    const env = signStatement(statement, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), keyId);
    assert.equal(env.payloadType, ATTESTATION_PAYLOAD_TYPE);
    const ok = verifyEnvelope(env, publicKey);
    assert.ok(ok.valid && ok.pinned && ok.keyId === keyId);
    const unpinned = verifyEnvelope(env);
    assert.ok(unpinned.valid && !unpinned.pinned);
    const changed = { ...env, payload: Buffer.from(Buffer.from(env.payload, "base64").toString().replace('"a"', '"b"')).toString("base64") };
    assert.equal(verifyEnvelope(changed, publicKey).valid, false);
    assert.equal(verifyEnvelope(changed).valid, false);
    assert.equal(verifyEnvelope({ ...env, payloadType: "application/json" }, publicKey).valid, false);
    const wrong = verifyEnvelope(env, other);
    assert.ok(!wrong.valid && /no signature by key/.test(wrong.reason));
    for (const junk of [null, [], "x", { payloadType: ATTESTATION_PAYLOAD_TYPE, payload: "%%%", signatures: [] }]) assert.equal(verifyEnvelope(junk).valid, false);
  });
});
