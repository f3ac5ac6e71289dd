/**
 * @module
 * The large-list side of the screening benchmark, in a process of its own so that its peak RSS
 * is its own: `node dist/bench/screen-list-child.js HOME LIST load|index`.
 * - `load` reads the imported list from HOME as `ictsguard screen` does (streamed, one entry a
 *   line) and counts its entries and names: load seconds and peak RSS.
 * - `index` builds the screening corpus as `ictsguard screen` does for a list this large (from
 *   the stored file: names normalized into the index, entries left in the file and read back by
 *   offset when reported, src/screen/engine/corpus.ts), then screens names of the list (as
 *   listed, and with a typo) and checks that each finds its entry: build seconds (load
 *   included), names per CPU-second, peak RSS.
 * Prints one JSON line.
 */
import { ScreeningCorpus } from "../src/screen/engine/corpus.js";
import { screenName } from "../src/screen/engine/screen-name.js";
import { listEntities, openStoredList, readListHeader } from "../src/screen/lists/store.js";

const [home, name, mode] = process.argv.slice(2);
const env = { ...process.env, ICTSGUARD_HOME: home! };
const clock = () => Number(process.hrtime.bigint()) / 1e9;
const cpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
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
  const file = openStoredList(name!, env);
  if (!file) throw new Error(`${name}: not a list stored as JSON lines`);
  const corpus = new ScreeningCorpus({ sources: [{ list: name!, file }] });
  const buildSeconds = clock() - t;
  // probes: every 20,000th entry, as listed and with two letters swapped in its longest word
  const probes: { id: string; name: string }[] = [];
  for (let e = 0; e < corpus.entityCount; e += 20_000) probes.push({ id: corpus.entity(e).id, name: corpus.entity(e).name });
  const typo = (s: string) => {
    const words = s.split(" ");
    const w = words.reduce((a, b) => (b.length > a.length ? b : a));
    return s.replace(w, w.slice(0, 1) + w[2] + w[1] + w.slice(3));
  };
  let found = 0;
  let screened = 0;
  t = clock();
  const c = cpuClock();
  for (const p of probes) {
    for (const q of [p.name, typo(p.name)]) {
      screened++;
      if (screenName(corpus, { name: q }, { threshold: 0.75, limit: 3, minScore: 0.5 }).some((x) => x.entity.id === p.id)) found++;
    }
  }
  const screenCpu = cpuClock() - c;
  process.stdout.write(
    JSON.stringify({ entries: corpus.entityCount, names: corpus.size.names, buildSeconds, screened, found, namesPerCpuSecond: screened / screenCpu, maxRssKiB: process.resourceUsage().maxRSS }) + "\n",
  );
}
