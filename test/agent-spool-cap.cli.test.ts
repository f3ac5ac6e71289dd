/**
 * The agent's spool cap end to end: the real `ictsguard serve` (SQLite) and the real `ictsguard
 * agent` on a fake Linux root. The server goes down; the agent runs six times (Kaspersky's
 * browser extensions removed from the machine from the fourth run on); the spool never holds more
 * than `--spool-max-uploads`, the oldest collections are dropped with a counted warning, and a
 * byte cap smaller than one collection keeps the newest alone. When the server is back the
 * spooled collections arrive (the newest once), the dropped ones never, and the server's
 * findings are the machine's: the extensions' finding is resolved by the clean inventories that
 * were kept, the rest open, as a local scan of the root says.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { buildFakeLinuxRoot } from "../src/testing/fake-linux-root.js";
import { createTestStore, runCli, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";
import { portOutsideEphemeralRange } from "../src/testing/port.js";
import { tempDir } from "../src/testing/temp.js";

const SITE = "hq";
const FIREFOX_ADDONS = "home/alex/.mozilla/firefox/q1w2e3r4.default-release/extensions.json";
const CHROME_EXTENSION = "root/.config/google-chrome/Default/Extensions/ahkjpbeeocnddjkakilopmfdlnjdpcdm";

describe("ictsguard agent: the spool's cap while the server is down", () => {
  let store: TestStore;
  let fleet: Fleet;
  let serve: ServeProcess;
  let port: string;
  const state = join(tempDir("ictsguard-agent-spool-"), "agent");
  const root = buildFakeLinuxRoot();
  writeFileSync(join(root, "etc/machine-id"), "5d7f0c3b2a1948e6b0c4d2e1f3a59687\n");

  const agent = (args: string[]) => runCli(["agent", ...args, "--state-dir", state, "--host-root", root]);
  /** Spooled files, oldest first; a file's name is `<collectedAt>-<uploadId>.json.gz`. */
  const spool = () => readdirSync(join(state, "spool")).filter((n) => n.endsWith(".json.gz")).sort();
  const uploadId = (file: string) => file.replace(/\.json\.gz$/, "").replace(/^[^-]+-/, "");
  const localProducts = async () => {
    const r = await runCli(["scan", "--host", "--host-root", root, "--profile", "federal-contractor", "-o", "json", "--fail-on", "none"], { env: { ICTSGUARD_HOME: store.home } });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { findings: { product: string }[] }).findings.map((f) => f.product).sort();
  };

  before(async () => {
    store = await createTestStore("sqlite");
    fleet = await openFleet({ db: store.db, home: store.home });
    await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "federal-contractor" });
    const token = (await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: SITE })).token;
    port = String(await portOutsideEphemeralRange()); // stopped and started again on it: see ../src/testing/port.ts
    serve = await spawnServe(store, ["--listen", `127.0.0.1:${port}`]);
    const r = await runCli(["agent", "enroll", "--server", serve.url, "--token", token, "--state-dir", state, "--host-root", root]);
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await serve?.stop();
    await fleet?.close();
    await store?.drop();
  });

  it("refuses a cap that is not a number, naming what it expects", async () => {
    const r = await agent(["run", "--once", "--spool-max-uploads", "0"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--spool-max-uploads must be a whole number of at least 1, got "0"/);
    const mb = await agent(["run", "--once", "--spool-max-mb", "lots"]);
    assert.equal(mb.code, 2);
    assert.match(mb.stderr, /--spool-max-mb must be a number of MiB above 0, got "lots"/);
  });

  it("keeps the spool within the cap during an outage, and the newest inventory arrives once afterwards", async () => {
    const first = await agent(["run", "--once"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /sent 1, already stored 0, rejected 0, still spooled 0, dropped 0/);
    const withExtensions = await localProducts();
    const scansBefore = (await fleet.listScans(LOCAL_ADMIN, { site: SITE, limit: 1000 })).items.length;

    await serve.stop();
    const collected: string[] = [];
    const dropped: string[] = [];
    for (let run = 1; run <= 5; run++) {
      if (run === 4) {
        // the Kaspersky browser extensions (Chrome's Kaspersky Protection, Firefox's URL Advisor) are removed from the machine
        rmSync(join(root, CHROME_EXTENSION), { recursive: true });
        const addons = JSON.parse(readFileSync(join(root, FIREFOX_ADDONS), "utf8")) as { addons: { id: string }[] };
        addons.addons = addons.addons.filter((a) => a.id !== "urladvisor@kaspersky.com");
        writeFileSync(join(root, FIREFOX_ADDONS), JSON.stringify(addons));
      }
      const before = spool();
      const r = await agent(["run", "--once", "--attempts", "1", "--spool-max-uploads", "3"]);
      assert.equal(r.code, 3, `${r.stdout}${r.stderr}`);
      const after = spool();
      collected.push(after.at(-1)!);
      dropped.push(...before.filter((f) => !after.includes(f)));
      assert.ok(after.length <= 3, `run ${run}: ${after.length} spooled`);
      assert.match(r.stdout, new RegExp(`still spooled ${after.length}, dropped ${run > 3 ? 1 : 0}\\n`));
      if (run > 3) assert.match(r.stderr, /warning: the spool was over its cap \(at most 3 collections, 256\.0 MiB\): dropped 1 older collection, superseded by newer ones/);
      else assert.doesNotMatch(r.stderr, /warning/);
    }
    assert.deepEqual(dropped, collected.slice(0, 2), "the oldest went first");
    // a byte cap smaller than one collection: everything older goes, the newest stays
    const r = await agent(["run", "--once", "--attempts", "1", "--spool-max-mb", "0.001", "-q"]);
    assert.equal(r.code, 3, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /still spooled 1, dropped 3\n/);
    assert.match(r.stderr, /dropped 3 older collections/);
    assert.match(r.stderr, /the newest collection alone \(\d+\.\d+ MiB\) is over the spool's 0\.001 MiB; kept/, "warnings are said with -q");
    const newest = spool();
    assert.equal(newest.length, 1);
    dropped.push(...collected.slice(2));
    const withoutExtensions = await localProducts();
    const removed = withExtensions.filter((p) => !withoutExtensions.includes(p));
    assert.deepEqual(removed, ["kaspersky-protection-extension"], "the extensions were one finding");

    // the server is back: the newest spooled collection and a new one arrive; the dropped ones never
    serve = await spawnServe(store, ["--listen", `127.0.0.1:${port}`]);
    const up = await agent(["run", "--once"]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /sent 2, already stored 0, rejected 0, still spooled 0, dropped 0/);
    const scans = (await fleet.listScans(LOCAL_ADMIN, { site: SITE, limit: 1000 })).items;
    assert.equal(scans.length, scansBefore + 2);
    const keys = scans.map((s) => s.idempotencyKey!.split(":").pop()!);
    assert.equal(keys.filter((k) => k === uploadId(newest[0]!)).length, 1, "the newest spooled inventory arrived once");
    for (const d of dropped) assert.ok(!keys.includes(uploadId(d)), `${d} was dropped and never sent`);

    // the findings are the machine's: the extensions' resolved by the two clean inventories, the rest open
    const hosts = (await fleet.listHosts(LOCAL_ADMIN, { site: SITE })).items;
    assert.equal(hosts.length, 1);
    const findings = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, limit: 1000 })).items;
    assert.deepEqual(findings.filter((f) => f.state === "open").map((f) => f.product).sort(), withoutExtensions);
    assert.deepEqual(findings.filter((f) => f.state === "resolved").map((f) => f.product), removed);
  });
});
