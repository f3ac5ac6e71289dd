/**
 * @module
 * What the fuzzer mutates, per target: every reader's own fixtures (`src/readers/<folder>/testdata`)
 * and the project's fixtures (`test/fixtures`, `examples/`, attributed to the reader that detects
 * them), the `check --batch` inputs (CSV and JSON Lines) and config files.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { detectReader } from "../readers/detect.js";
import { READERS } from "../readers/registry.js";
import { decodeHead, sniffEncoding } from "../readers/_text.js";
import { detectListFormat } from "../screen/lists/import.js";
import { packagePath } from "../util/package-root.js";

/**
 * A target: `reader:<name>` (read with that reader), `list:<format>` (`lists import` of a file in
 * that list format), `batch` (check --batch) or `config` (the config file).
 */
export type Target = string;
export type Seed = { file: string; bytes: Buffer };

/** Seeds larger than this are cut: mutations of a small file find the same faults, faster. */
const MAX_SEED_BYTES = 256 * 1024;

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p);
    return st.isDirectory() ? filesUnder(p) : st.isFile() ? [p] : [];
  });
}

function load(file: string): Seed {
  const bytes = readFileSync(file);
  return { file, bytes: bytes.length > MAX_SEED_BYTES ? bytes.subarray(0, MAX_SEED_BYTES) : bytes };
}

function readerOfFolder(folder: string): string | undefined {
  return READERS.find((r) => r.name === folder || r.name.replace("/", "-") === folder || r.name.endsWith(`/${folder}`))?.name;
}

const BATCH_JSONL = [
  '{"role":"business","action":"buy","vendor":"AO Kaspersky Lab","product":"Kaspersky Endpoint Security","date":"2025-01-01","po_number":"PO-1"}',
  '{"role":"federal-contractor","action":"renew","entity":"huawei","category":"telecommunications","date":"2024-10-01","ref":{"id":"7"}}',
  '{"role":"reseller","action":"resell","vendor":"Acme Corp","product":"Widget","date":"2025-06-30","country":"US","funding":"federal"}',
  "",
].join("\n");

const CONFIGS = [
  `profile: business
failOn: prohibited
output: table
catalogMaxAgeDays: 30
exceptions:
  - product: kaspersky-endpoint-security
    host: "lab-*.example.com"
    reason: isolated malware lab
    author: security@example.com
    expires: 2030-01-01
screen:
  threshold: 0.85
`,
  `profile: federal-contractor
output: json
updateUrl: https://example.com/tuf
exceptions: []
`,
];

/** An OpenSanctions delta (the list fixtures have none): an ADD, a MOD and a DEL, as OpenSanctions writes them. */
const FTM_DELTA = [
  '{"op":"ADD","entity":{"id":"NK-fuzz1","schema":"Company","caption":"AO Kaspersky Lab","properties":{"name":["AO Kaspersky Lab","АО Лаборатория Касперского"],"country":["ru"],"topics":["sanction"]}}}',
  '{"op":"MOD","entity":{"id":"NK-fuzz2","schema":"Person","caption":"Ivan Petrov","properties":{"name":["Ivan Petrov"],"birthDate":["1970-01-01"]}}}',
  '{"op":"DEL","entity":{"id":"NK-fuzz3"}}',
  "",
].join("\n");

/** Every target with its seeds. */
export async function loadSeeds(): Promise<Map<Target, Seed[]>> {
  const seeds = new Map<Target, Seed[]>();
  const add = (target: Target, seed: Seed): void => {
    const list = seeds.get(target) ?? [];
    list.push(seed);
    seeds.set(target, list);
  };
  const readersDir = packagePath("src", "readers");
  for (const folder of readdirSync(readersDir)) {
    const reader = readerOfFolder(folder);
    if (!reader) continue;
    for (const file of filesUnder(join(readersDir, folder, "testdata"))) add(`reader:${reader}`, load(file));
  }
  for (const file of [...filesUnder(packagePath("test", "fixtures")), ...filesUnder(packagePath("examples"))]) {
    if (/\.(md)$/i.test(file)) continue;
    if (file.includes(`${join("examples", "check")}`)) {
      add("batch", load(file));
      continue;
    }
    const seed = load(file);
    const head = seed.bytes.subarray(0, 64 * 1024);
    const encoding = sniffEncoding(head);
    const reader = detectReader({ path: basename(file), head, encoding, text: decodeHead(head, encoding) });
    if (reader) add(`reader:${reader.name}`, seed);
  }
  // list files: the importer's own fixtures, each under the format its content is detected as
  for (const file of filesUnder(packagePath("src", "screen", "lists", "testdata"))) {
    if (/\.md$/i.test(file)) continue;
    const format = await detectListFormat(file);
    if (format) add(`list:${format}`, load(file));
  }
  add("list:ftm-delta", { file: "(inline delta)", bytes: Buffer.from(FTM_DELTA) });
  add("batch", { file: "(inline jsonl)", bytes: Buffer.from(BATCH_JSONL) });
  CONFIGS.forEach((text, i) => add("config", { file: `(inline config ${i + 1})`, bytes: Buffer.from(text) }));
  return seeds;
}
