/**
 * @module
 * The server's ed25519 signing keys for attestations, kept in the store so every `serve`
 * process on it signs with the same key. One key is `current`; `rotate` retires it (its public
 * key stays listed, so statements it signed still verify) and makes a new one. The first key is
 * made when one is first needed; a partial unique index keeps one current key even when several
 * processes make it at once (the loser reads the winner's). The private key is stored as PKCS#8
 * PEM in the store: whoever can read the store can sign, as whoever can read it can already
 * change what it says (docs/server.md).
 */
import { keyIdOf } from "../attest/envelope.js";
import type { SigningKeyRow } from "../store/schema.js";
import { newKeyPair } from "../util/key-pair.js";
import { READ_ROLES, requireGlobalAdmin, requireRole } from "./access.js";
import { audit } from "./audit.js";
import { isUniqueViolation, nowIso, type Ctx } from "./context.js";
import type { Principal, SigningKeyInfo } from "./types.js";

export function signingKeyInfo(r: SigningKeyRow): SigningKeyInfo {
  return {
    keyId: r.key_id,
    algorithm: "ed25519",
    publicKey: r.public_key,
    state: r.state as SigningKeyInfo["state"],
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(r.retired_at ? { retiredAt: r.retired_at } : {}),
  };
}

function newKeyRow(at: string, by: string): SigningKeyRow {
  const { publicKey, publicPem, privatePem } = newKeyPair("ed25519");
  return {
    key_id: keyIdOf(publicKey),
    algorithm: "ed25519",
    public_key: publicPem,
    private_key: privatePem,
    state: "current",
    created_at: at,
    created_by: by,
    retired_at: null,
  };
}

/** The current key's row, made (and audited) when there is none. */
export async function currentSigningKeyRow(ctx: Ctx, by = "system"): Promise<SigningKeyRow> {
  const found = await ctx.db.selectFrom("signing_keys").selectAll().where("state", "=", "current").executeTakeFirst();
  if (found) return found;
  const row = newKeyRow(nowIso(ctx), by);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto("signing_keys").values(row).execute();
      await audit(trx, { at: row.created_at, keyId: by, action: "signing-key.create", target: row.key_id });
    });
    return row;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // another process made one at the same time: use it
    return await ctx.db.selectFrom("signing_keys").selectAll().where("state", "=", "current").executeTakeFirstOrThrow();
  }
}

/** Every key, the current one first (made when there is none), then the retired ones newest first. */
export async function listSigningKeys(ctx: Ctx, p: Principal): Promise<SigningKeyInfo[]> {
  requireRole(p, READ_ROLES, "read the signing keys");
  await currentSigningKeyRow(ctx, p.keyId);
  const rows = await ctx.db.selectFrom("signing_keys").selectAll().orderBy("created_at", "desc").orderBy("key_id").execute();
  return rows.sort((a, b) => (a.state === "current" ? -1 : b.state === "current" ? 1 : 0)).map(signingKeyInfo);
}

/** Retires the current key and makes a new one (admin over every site). */
export async function rotateSigningKey(ctx: Ctx, p: Principal): Promise<{ current: SigningKeyInfo; retired: SigningKeyInfo | null }> {
  requireGlobalAdmin(p, "rotate the signing key");
  const at = nowIso(ctx);
  const row = newKeyRow(at, p.keyId);
  let retired: SigningKeyRow | undefined;
  await ctx.db.transaction().execute(async (trx) => {
    retired = await trx.selectFrom("signing_keys").selectAll().where("state", "=", "current").executeTakeFirst();
    if (retired) await trx.updateTable("signing_keys").set({ state: "retired", retired_at: at }).where("key_id", "=", retired.key_id).execute();
    await trx.insertInto("signing_keys").values(row).execute();
    await audit(trx, { at, keyId: p.keyId, action: "signing-key.rotate", target: row.key_id, detail: { retired: retired?.key_id ?? null } });
  });
  return { current: signingKeyInfo(row), retired: retired ? signingKeyInfo({ ...retired, state: "retired", retired_at: at }) : null };
}
