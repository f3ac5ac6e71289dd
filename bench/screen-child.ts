/**
 * @module
 * One side of the screening benchmark in a process of its own, so that its peak RSS is its own:
 * `node dist/bench/screen-child.js ictsguard|fuse NAMES.json [PASSES]`. Loads the catalog and the
 * OFAC SDN sample, builds the system's index, screens every name (the first pass, code still
 * cold), then for ictsguard the same names PASSES times more (steady state), prints a JSON line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogOrThrow } from "../src/catalog/index.js";
import { ScreeningCorpus } from "../src/screen/engine/corpus.js";
import { screenName } from "../src/screen/engine/screen-name.js";
import { createFuseBaseline } from "../src/screen/eval/baselines/fuse.js";
import { catalogEntities } from "../src/screen/lists/catalog.js";
import { readOfacSdn } from "../src/screen/lists/ofac-sdn.js";
import type { ListedEntity } from "../src/screen/model.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const [system, namesFile] = process.argv.slice(2);
const names = JSON.parse(readFileSync(namesFile!, "utf8")) as string[];
const dir = join(PACKAGE_ROOT, "src", "screen", "lists", "testdata", "ofac-sdn");
const sdn = await readOfacSdn({ sdn: join(dir, "sdn.csv"), alt: join(dir, "alt.csv"), add: join(dir, "add.csv") }, { issues: [] });
const entities: ListedEntity[] = [...catalogEntities(await loadCatalogOrThrow()), ...sdn.map((e) => ({ ...e, list: "ofac-sdn" }))];

const clock = () => Number(process.hrtime.bigint()) / 1e9;
/** CPU seconds of this process (user + system): on a shared, loaded machine wall time also counts the waits for a core. */
const cpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let t = clock();
let matched = 0;
let buildSeconds: number;
let seconds: number;
let warmSeconds: number | undefined;
let cpuSeconds: number | undefined;
let warmCpuSeconds: number | undefined;
if (system === "ictsguard") {
  const corpus = new ScreeningCorpus(entities);
  buildSeconds = clock() - t;
  t = clock();
  let c = cpuClock();
  for (const name of names) if (screenName(corpus, { name }, { threshold: 0.75, limit: 3, minScore: 0.5 }).some((c) => c.match)) matched++;
  seconds = clock() - t;
  cpuSeconds = cpuClock() - c;
  // steady state: the same names again, as a long vendor file would keep the code warm
  const passes = Number(process.argv[4] ?? 0);
  if (passes > 0) {
    t = clock();
    c = cpuClock();
    for (let p = 0; p < passes; p++) for (const name of names) screenName(corpus, { name }, { threshold: 0.75, limit: 3, minScore: 0.5 });
    warmSeconds = (clock() - t) / passes;
    warmCpuSeconds = (cpuClock() - c) / passes;
  }
} else {
  const fuse = await createFuseBaseline(entities);
  if ("unavailable" in fuse) throw new Error(fuse.unavailable);
  buildSeconds = clock() - t;
  t = clock();
  for (const name of names) if ([...fuse.search(name, 3).values()].some((s) => s >= 0.75)) matched++;
  seconds = clock() - t;
}
process.stdout.write(JSON.stringify({ system, names: names.length, seconds, ...(warmSeconds !== undefined ? { warmSeconds } : {}), ...(cpuSeconds !== undefined ? { cpuSeconds } : {}), ...(warmCpuSeconds !== undefined ? { warmCpuSeconds } : {}), buildSeconds, matched, maxRssKiB: process.resourceUsage().maxRSS }) + "\n");
