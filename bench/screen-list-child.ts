/**
 * @module
 * The large-list side of the screening benchmark, in a process of its own so that its peak RSS
 * is its own: `node dist/bench/screen-list-child.js HOME LIST load|index`.
 * - `load` reads the imported list from HOME as `ictsguard screen` does (streamed, one entry a
 *   line) and counts its entries and names: load seconds and peak RSS.
 * - `index` also builds the screening corpus (name forms, token statistics, candidate index) and
 *   screens one name: build seconds, name forms, peak RSS.
 * Prints one JSON line.
 */
import { ScreeningCorpus } from "../src/screen/engine/corpus.js";
import { screenName } from "../src/screen/engine/screen-name.js";
import { listEntities, readListHeader } from "../src/screen/lists/store.js";
import type { ListedEntity } from "../src/screen/model.js";

const [home, name, mode] = process.argv.slice(2);
const env = { ...process.env, ICTSGUARD_HOME: home! };
const clock = () => Number(process.hrtime.bigint()) / 1e9;
let t = clock();
const header = readListHeader(name!, env);
if (mode === "load") {
  let entries = 0;
  let names = 0;
  for (const e of listEntities(name!, env)) {
    entries++;
    names += 1 + e.aliases.length;
  }
  const loadSeconds = clock() - t;
  process.stdout.write(JSON.stringify({ entries, names, header: header.counts.entries, loadSeconds, maxRssKiB: process.resourceUsage().maxRSS }) + "\n");
} else {
  const entities: ListedEntity[] = [];
  for (const e of listEntities(name!, env)) entities.push(Object.assign(e, { list: name! }));
  const loadSeconds = clock() - t;
  t = clock();
  const corpus = new ScreeningCorpus(entities);
  const buildSeconds = clock() - t;
  const probe = screenName(corpus, { name: entities[0]!.name }, { threshold: 0.75, limit: 3, minScore: 0.5 });
  process.stdout.write(
    JSON.stringify({ entries: entities.length, names: corpus.size.names, loadSeconds, buildSeconds, found: probe[0]?.entity.id === entities[0]!.id, maxRssKiB: process.resourceUsage().maxRSS }) + "\n",
  );
}
