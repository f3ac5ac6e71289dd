/**
 * @module
 * `ictsguard attest --server URL --api-key K [--site S] [--at INSTANT] --output-file FILE`
 * fetches a signed clean-as-of statement from a fleet server and saves it as it came (the DSSE
 * envelope); `ictsguard attest verify FILE [--trusted-key FILE]` checks one offline with only
 * src/attest (no store, no network). Exit codes: fetch 0 saved, 1 the server's signature did
 * not verify, 2 usage or network error; verify 0 valid, 1 invalid, 2 usage or input error
 * (an unreadable file or key).
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command, Option } from "commander";
import type { Statement } from "../../attest/statement.js";
import { UsageError } from "../../scan/index.js";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "../exit-codes.js";
import { serverClientOf } from "../server-flags.js";

type FetchFlags = { server?: string; apiKey?: string; site?: string; at?: string; silentSince?: string; outputFile?: string; retries: string; timeout: string; quiet?: boolean };
type VerifyFlags = { trustedKey?: string; output: "text" | "json" };

const EXIT_INVALID = EXIT_FINDINGS;

export function attestCommand(): Command {
  const attest = new Command("attest")
    .description("fetch a signed statement of a site's position at an instant from a fleet server (attest verify checks one offline)")
    .option("--server <url>", "the fleet server (default: $ICTSGUARD_SERVER)")
    .option("--api-key <key>", "a viewer, analyst or admin API key (default: $ICTSGUARD_API_KEY)")
    .option("--site <site>", "the site (default: the key's site when it is limited to one, else default)")
    .option("--at <instant>", "the instant the statement is about, ISO 8601 or a date (default: now)")
    .option("--silent-since <instant>", "a host that did not report from this instant to --at is silent (default: 7 days before --at)")
    .option("--output-file <file>", "where to save the statement (the signed envelope, JSON)")
    .option("--retries <n>", "tries on network errors, 5xx and 429, the first included", "3")
    .option("--timeout <seconds>", "give up one try after this long", "120")
    .option("-q, --quiet", "no summary on stderr")
    .action(async (flags: FetchFlags) => {
      process.exitCode = await fetchStatement(flags);
    });
  attest
    .command("verify")
    .description("verify a saved statement offline: exit 0 valid, 1 invalid, 2 usage or input error; prints the signing key's fingerprint")
    .argument("<file>", "the statement, as `attest` saved it")
    .option("--trusted-key <file>", "the server's public key (PEM: ictsguard server signing-key show -o pem); without it the key inside the statement is used and the answer says it is not pinned")
    .addOption(new Option("-o, --output <format>", "text, or one JSON object").choices(["text", "json"]).default("text"))
    .action(async (file: string, flags: VerifyFlags) => {
      process.exitCode = await verifyFile(file, flags);
    });
  return attest;
}

async function fetchStatement(flags: FetchFlags): Promise<number> {
  const { server, apiKey, attempts, timeoutSeconds: timeout } = serverClientOf("attest", flags);
  if (!flags.outputFile) throw new UsageError("attest needs --output-file FILE (where the signed statement is saved)");
  const url = new URL(`${server.replace(/\/+$/, "")}/api/v1/attestations`);
  if (flags.site) url.searchParams.set("site", flags.site);
  if (flags.at) url.searchParams.set("at", flags.at);
  if (flags.silentSince) url.searchParams.set("silentSince", flags.silentSince);

  const { getWithRetry } = await import("../../server/client/http.js");
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`ictsguard attest: ${line}\n`);
  const got = await getWithRetry(url, apiKey, { attempts, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: timeout * 1000 }, log);
  if (!got.ok) {
    process.stderr.write(`ictsguard attest: ${url.origin}: ${got.message}${got.attempts > 1 ? ` (after ${got.attempts} tries)` : ""}\n`);
    return EXIT_ERROR;
  }
  const { verifyEnvelope } = await import("../../attest/envelope.js");
  const check = verifyEnvelope(got.body);
  if (!check.valid) {
    process.stderr.write(`ictsguard attest: the server's answer does not verify (${check.reason}); not saved\n`);
    return EXIT_INVALID;
  }
  try {
    mkdirSync(dirname(flags.outputFile), { recursive: true }); // as every --output-file
    writeFileSync(flags.outputFile, `${JSON.stringify(got.body, null, 2)}\n`);
  } catch (err) {
    throw new UsageError(`cannot write ${flags.outputFile}: ${(err as Error).message}`);
  }
  if (!flags.quiet) {
    process.stderr.write(`ictsguard attest: ${summaryLine(check.statement as unknown as Statement)}\n`);
    process.stderr.write(`ictsguard attest: signed by key ${check.keyId}; saved to ${flags.outputFile}\n`);
  }
  return EXIT_OK;
}

function summaryLine(s: Statement): string {
  const sum = s.summary;
  return `site ${s.site?.name} at ${s.at}: ${sum?.clean ? "clean" : "NOT clean"}: ${sum?.openFindings} open finding(s), ${sum?.exceptedFindings} excepted; ${sum?.hostsReported} host(s) reported, ${sum?.hostsSilent} silent, ${sum?.assetsNeverReported} listed asset(s) never reported`;
}

function readKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the trusted key ${file}: ${(err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new UsageError(`${file} is not a public key in PEM (expected the output of ictsguard server signing-key show -o pem)`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new UsageError(`${file} is a ${key.asymmetricKeyType} key; attestations are signed with ed25519`);
  return key;
}

async function verifyFile(file: string, flags: VerifyFlags): Promise<number> {
  const trusted = flags.trustedKey ? readKey(flags.trustedKey) : undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const { verifyEnvelope, keyIdOf } = await import("../../attest/envelope.js");
  let parsed: unknown;
  let result: ReturnType<typeof verifyEnvelope>;
  try {
    parsed = JSON.parse(text);
    result = verifyEnvelope(parsed, trusted);
  } catch {
    result = { valid: false, reason: "the file is not JSON (a statement is the JSON envelope attest saved)" };
  }
  const trustedId = trusted ? keyIdOf(trusted) : undefined;
  if (flags.output === "json") {
    const s = result.valid ? (result.statement as unknown as Statement) : undefined;
    process.stdout.write(
      `${JSON.stringify(
        result.valid
          ? { valid: true, keyId: result.keyId, pinned: result.pinned, site: s?.site?.name, at: s?.at, summary: s?.summary }
          : { valid: false, reason: result.reason, ...(result.keyId ? { keyId: result.keyId } : {}), ...(trustedId ? { trustedKeyId: trustedId } : {}) },
        null,
        2,
      )}\n`,
    );
    return result.valid ? EXIT_OK : EXIT_INVALID;
  }
  if (!result.valid) {
    process.stdout.write(`INVALID: ${file}: ${result.reason}\n`);
    if (trustedId) process.stdout.write(`trusted key: ${trustedId}\n`);
    return EXIT_INVALID;
  }
  const s = result.statement as unknown as Statement;
  process.stdout.write(`valid: ${file} is signed by key ${result.keyId}\n`);
  process.stdout.write(
    result.pinned
      ? `key: pinned (the trusted key ${flags.trustedKey})\n`
      : "key: NOT pinned: checked against the public key inside the statement, so it shows the statement is intact, not who made it; pin the server's key with --trusted-key (ictsguard server signing-key show -o pem)\n",
  );
  process.stdout.write(`${summaryLine(s)}\n`);
  process.stdout.write(`generated ${s.generatedAt} by ictsguard ${s.server?.version} for ${s.requestedBy}; catalog ${s.catalog?.version} (${s.catalog?.digest})\n`);
  if (Array.isArray(s.findings)) {
    for (const f of s.findings.slice(0, 10)) process.stdout.write(`  ${f.status} ${f.state}: ${f.productName ?? f.product} on ${f.host} (since ${f.since})\n`);
    if (s.findings.length > 10) process.stdout.write(`  ... and ${s.findings.length - 10} more in the file\n`);
  }
  return EXIT_OK;
}
