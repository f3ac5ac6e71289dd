/**
 * @module
 * The large-list side of the screening benchmark, in a process of its own so that its peak RSS
 * is its own: `node dist/bench/screen-list-child.js HOME LIST`. Loads an imported list from
 * HOME (as `ictsguard screen` does), builds the screening corpus, screens a few names, and
 * prints a JSON line: load and build seconds, entries, name forms, peak RSS.
 */
import { ScreeningCorpus } from "../src/screen/engine/corpus.js";
import { screenName } from "../src/screen/engine/screen-name.js";
import { readList } from "../src/screen/lists/store.js";

const [home, name] = process.argv.slice(2);
const env = { ...process.env, ICTSGUARD_HOME: home! };
const clock = () => Number(process.hrtime.bigint()) / 1e9;
let t = clock();
const list = readList(name!, env);
const loadSeconds = clock() - t;
t = clock();
const corpus = new ScreeningCorpus(list.entities.map((e) => ({ ...e, list: list.name })));
const buildSeconds = clock() - t;
const probe = screenName(corpus, { name: list.entities[0]!.name }, { threshold: 0.75, limit: 3, minScore: 0.5 });
process.stdout.write(
  JSON.stringify({ entries: list.entities.length, names: corpus.size.names, loadSeconds, buildSeconds, found: probe[0]?.entity.id === list.entities[0]!.id, maxRssKiB: process.resourceUsage().maxRSS }) + "\n",
);
