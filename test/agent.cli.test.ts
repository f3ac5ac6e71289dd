/**
 * The agent end to end: the real `ictsguard serve` on 127.0.0.1 and the real `ictsguard agent`
 * reading fake Linux roots (src/testing/fake-linux-root.ts, with an /etc/machine-id written here).
 * Enroll → run → upload; a rename keeps the host; the server stopped during a run (the spool
 * keeps the upload, exit 3) and started again (it arrives, and exactly once: the scan count);
 * a spooled upload sent twice is stored once; a state folder copied to a second machine and a
 * second credential on the same machine id are flagged, not merged; an admin merge moves the
 * findings and is audit-logged; SIGTERM ends a running agent cleanly.
 */
import assert from "node:assert/strict";
import { copyFileSync, cpSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { spawn } from "node:child_process";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import { buildFakeLinuxRoot } from "../src/testing/fake-linux-root.js";
import { BIN, createTestStore, runCli, spawnServe, type ServeProcess, type TestStore } from "../src/testing/fleet-server.js";
import { portOutsideEphemeralRange } from "../src/testing/port.js";
import { tempDir } from "../src/testing/temp.js";

const SITE = "hq";
const MACHINE_1 = "5d7f0c3b2a1948e6b0c4d2e1f3a59687";
const MACHINE_2 = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

function fakeMachine(machineId: string, hostname: string): string {
  const root = buildFakeLinuxRoot();
  writeFileSync(join(root, "etc/machine-id"), `${machineId}\n`);
  writeFileSync(join(root, "etc/hostname"), `${hostname}\n`);
  writeFileSync(join(root, "etc/os-release"), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n');
  return root;
}

describe("ictsguard agent against a real server (sqlite)", () => {
  let store: TestStore;
  let fleet: Fleet;
  let serve: ServeProcess;
  let port: string;
  let token: string;
  const state1 = join(tempDir("ictsguard-agent-state-"), "agent");
  const root1 = fakeMachine(MACHINE_1, "kesl-box");
  let host1 = "";

  const agent = (args: string[], state: string, root: string) => runCli(["agent", ...args, "--state-dir", state, "--host-root", root]);
  const scans = async () => (await fleet.listScans(LOCAL_ADMIN, { site: SITE, limit: 1000 })).items;
  const hosts = async () => (await fleet.listHosts(LOCAL_ADMIN, { site: SITE, limit: 1000 })).items;
  const spool = (state: string) => {
    try {
      return readdirSync(join(state, "spool")).filter((n) => n.endsWith(".json.gz"));
    } catch {
      return [];
    }
  };

  before(async () => {
    store = await createTestStore("sqlite");
    fleet = await openFleet({ db: store.db, home: store.home });
    await fleet.createSite(LOCAL_ADMIN, { name: SITE, profile: "federal-contractor" });
    token = (await fleet.createEnrollmentToken(LOCAL_ADMIN, { site: SITE })).token;
    port = String(await portOutsideEphemeralRange()); // stopped and started again on it: see ../src/testing/port.ts
    serve = await spawnServe(store, ["--listen", `127.0.0.1:${port}`]);
  });

  after(async () => {
    await serve?.stop();
    await fleet?.close();
    await store?.drop();
  });

  it("enrolls: the credential is stored privately, the host is keyed by the agent, the machine id kept as evidence", async () => {
    const r = await agent(["enroll", "--server", serve.url, "--token", token], state1, root1);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /enrolled as agent [a-z2-7]{16} in site hq/);
    assert.equal(statSync(state1).mode & 0o777, 0o700);
    assert.equal(statSync(join(state1, "agent.json")).mode & 0o777, 0o600);
    const [h] = await hosts();
    assert.ok(h, "the host exists from enrollment");
    assert.equal(h.name, "kesl-box");
    assert.match(h.agentId ?? "", /^[a-z2-7]{16}$/);
    assert.match(h.machineId ?? "", /^[0-9a-f]{32}$/);
    assert.notEqual(h.machineId, MACHINE_1, "the raw machine id is never sent");
    host1 = h.id;
  });

  it("runs once: observations are uploaded and judged by the server", async () => {
    const r = await agent(["run", "--once"], state1, root1);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sent 1, already stored 0, rejected 0, still spooled 0/);
    assert.equal(spool(state1).length, 0, "sent uploads leave the spool");
    const found = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: host1 })).items;
    assert.ok(found.some((f) => f.vendor === "kaspersky"), "Kaspersky on the fake root is found");
    // the server's judgment of the agent's observations is the local scan's of the same root
    const local = await runCli(["scan", "--host", "--host-root", root1, "--profile", "federal-contractor", "-o", "json", "--fail-on", "none"], { env: { ICTSGUARD_HOME: store.home } });
    assert.equal(local.code, 0, local.stderr);
    const report = JSON.parse(local.stdout) as { findings: { product: string; status: string }[] };
    assert.deepEqual(found.map((f) => `${f.product}:${f.status}`).sort(), report.findings.map((f) => `${f.product}:${f.status}`).sort());
    assert.equal((await scans()).length, 1);
  });

  it("a renamed machine stays one host, with the same finding ids", async () => {
    const before = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: host1 })).items.map((f) => f.id).sort();
    writeFileSync(join(root1, "etc/hostname"), "kesl-box-renamed\n");
    const r = await agent(["run", "--once"], state1, root1);
    assert.equal(r.code, 0, r.stderr);
    const all = await hosts();
    assert.equal(all.length, 1, "still one host");
    assert.equal(all[0]!.id, host1);
    assert.equal(all[0]!.name, "kesl-box-renamed");
    const after = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: host1 })).items;
    assert.deepEqual(after.map((f) => f.id).sort(), before);
    assert.ok(after.every((f) => f.host === "kesl-box-renamed" && f.state === "open"));
    // people still find it by its (new) name
    assert.equal((await fleet.getHost(LOCAL_ADMIN, { site: SITE, name: "KESL-box-renamed" })).id, host1);
    assert.deepEqual((await fleet.listHosts(LOCAL_ADMIN, { site: SITE, name: "kesl-box-renamed" })).items.map((h) => h.id), [host1]);
    assert.equal((await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: "kesl-box-renamed" })).items.length, after.length);
  });

  let kept = "";
  it("the server stopped during a run: the spool keeps the upload (exit 3); after the restart it arrives exactly once", async () => {
    const scansBefore = (await scans()).length;
    await serve.stop();
    const down = await agent(["run", "--once", "--attempts", "3", "--backoff", "50"], state1, root1);
    assert.equal(down.code, 3, `${down.stdout}${down.stderr}`);
    assert.match(down.stdout, /still spooled 1/);
    assert.match(down.stderr, /retrying in/);
    const files = spool(state1);
    assert.equal(files.length, 1);
    kept = join(tempDir("ictsguard-agent-copy-"), files[0]!);
    copyFileSync(join(state1, "spool", files[0]!), kept);

    serve = await spawnServe(store, ["--listen", `127.0.0.1:${port}`]);
    // the spooled upload and a new collection: two scans, the spooled one exactly once
    const up = await agent(["run", "--once"], state1, root1);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /sent 2, already stored 0/);
    assert.equal(spool(state1).length, 0);
    assert.equal((await scans()).length, scansBefore + 2);

    // the same upload again (an answer lost after the server stored it): stored once
    copyFileSync(kept, join(state1, "spool", kept.split("/").pop()!));
    const again = await agent(["run", "--once"], state1, root1);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /sent 1, already stored 1/);
    assert.equal((await scans()).length, scansBefore + 3);
  });

  let cloneHost = "";
  it("a state folder copied to a second machine is flagged, and that machine's inventory never lands on the first host", async () => {
    const state2 = join(tempDir("ictsguard-agent-clone-"), "agent");
    cpSync(state1, state2, { recursive: true });
    const root2 = fakeMachine(MACHINE_2, "clone-box");
    const r = await agent(["run", "--once"], state2, root2);
    assert.equal(r.code, 0, r.stderr);
    const all = await hosts();
    assert.equal(all.length, 2, "two machines, two hosts");
    const first = all.find((h) => h.id === host1)!;
    assert.equal(first.name, "kesl-box-renamed", "the first host kept its own name and inventory");
    const clone = all.find((h) => h.id !== host1)!;
    assert.equal(clone.name, "clone-box");
    cloneHost = clone.id;
    const dups = await fleet.agents.listDuplicates(LOCAL_ADMIN, { site: SITE });
    const flagged = dups.find((d) => d.kind === "credential");
    assert.ok(flagged, JSON.stringify(dups));
    assert.deepEqual(flagged.hosts, [host1, clone.id]);
    assert.deepEqual(first.possibleDuplicates, [clone.id]);
  });

  let reimaged = "";
  const state3 = join(tempDir("ictsguard-agent-reimage-"), "agent");
  const root3 = fakeMachine(MACHINE_1, "kesl-box-reimaged");
  it("a second credential with the same machine id (a re-enrolled machine, a cloned VM) is a second host, flagged", async () => {
    const r = await agent(["enroll", "--server", serve.url, "--token", token], state3, root3);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /flagged 1 possible duplicate/);
    const run = await agent(["run", "--once"], state3, root3);
    assert.equal(run.code, 0, run.stderr);
    const all = await hosts();
    assert.equal(all.length, 3);
    reimaged = all.find((h) => h.name === "kesl-box-reimaged")!.id;
    const dups = await fleet.agents.listDuplicates(LOCAL_ADMIN, { site: SITE });
    const flagged = dups.find((d) => d.kind === "machine-id");
    assert.ok(flagged, JSON.stringify(dups));
    assert.deepEqual(flagged.hosts, [host1, reimaged]);
    // the API shows it too
    const admin = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer" })).token;
    const res = await fetch(`${serve.url}/api/v1/host-duplicates?site=${SITE}`, { headers: { authorization: `Bearer ${admin}` } });
    const body = (await res.json()) as { items: { kind: string }[] };
    assert.deepEqual(body.items.map((d) => d.kind).sort(), ["credential", "machine-id"]);
  });

  it("an admin merges the re-enrolled host into the first: findings join, history and agents follow, audit-logged", async () => {
    const keptFindings = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: host1 })).items;
    const mergedFindings = (await fleet.listFindings(LOCAL_ADMIN, { site: SITE, host: reimaged })).items;
    assert.ok(mergedFindings.length > 0);
    const r = await runCli(["server", "hosts", "merge", host1, reimaged, "--db", store.db, "-o", "json"], { env: { ICTSGUARD_HOME: store.home } });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { findingsJoined: number; findingsMoved: number; ids: Record<string, string>; agents: string[] };
    assert.equal(result.findingsJoined + result.findingsMoved, mergedFindings.length);
    for (const f of mergedFindings) {
      const to = result.ids[f.id]!;
      const twin = keptFindings.find((k) => k.product === f.product);
      if (twin) assert.equal(to, twin.id, `${f.product} joined the kept host's finding`);
      // its history moved with it
      const history = await fleet.findingHistory(LOCAL_ADMIN, to);
      assert.ok(history.some((e) => e.ref && e.cause === "ingest"), "the joined finding's history has its ingest events");
    }
    const all = await hosts();
    assert.equal(all.length, 2, "the merged host is gone");
    await assert.rejects(fleet.getHost(LOCAL_ADMIN, reimaged), /no host|not found/i);
    const audit = (await fleet.listAudit(LOCAL_ADMIN, { site: SITE })).items.find((a) => a.action === "host.merge");
    assert.ok(audit, "audit-logged");
    assert.equal(audit.target, host1);
    assert.equal((await fleet.agents.listDuplicates(LOCAL_ADMIN, { site: SITE })).filter((d) => d.kind === "machine-id").length, 0, "the flag is resolved");
    // the merged host's agent now reports into the kept host
    const scansBefore = (await scans()).length;
    const run = await agent(["run", "--once"], state3, root3);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await hosts()).length, 2);
    const scan = (await scans())[0]!;
    assert.equal((await scans()).length, scansBefore + 1);
    assert.deepEqual(scan.hosts, ["kesl-box-reimaged"]);
    assert.equal((await fleet.getHost(LOCAL_ADMIN, host1)).name, "kesl-box-reimaged");
  });

  it("an unknown credential is refused (exit 2) and a daemon ends cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "agent", "run", "--interval", "1h", "--state-dir", state1, "--host-root", root1], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (err += s));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 600 && !/collected \d+ observations/.test(err); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(err, /collected \d+ observations/);
    await new Promise((r) => setTimeout(r, 500));
    child.kill("SIGTERM");
    assert.equal(await exited, 0, `${out}${err}`);
    // stopped before or after its send (a request in flight is aborted): either way what was not answered is spooled, whole
    const left = Number(/still spooled (\d+)/.exec(out)?.[1]);
    assert.equal(left, spool(state1).length, out);
    assert.ok(left <= 1, out);
    assert.deepEqual(readdirSync(join(state1, "spool")).filter((n) => n.endsWith(".tmp")), [], "no half-written upload");

    const forged = join(tempDir("ictsguard-agent-forged-"), "agent");
    cpSync(state1, forged, { recursive: true });
    const json = JSON.parse((await import("node:fs")).readFileSync(join(forged, "agent.json"), "utf8")) as { credential: string };
    json.credential = json.credential.replace(/_[^_]+$/, `_${"A".repeat(43)}`);
    writeFileSync(join(forged, "agent.json"), JSON.stringify(json));
    const r = await agent(["run", "--once"], forged, root1);
    assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /refused this agent's credential/);
  });
});
