import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REJECTED_KEPT, rejectSpooled, spoolUpload, spooled } from "./state.js";

test("spool/rejected keeps the newest refused uploads only, so a server refusing every collection cannot fill the disk", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ictsguard-agent-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const total = REJECTED_KEPT + 5;
  const moved: string[] = [];
  for (let i = 0; i < total; i++) {
    const path = spoolUpload(dir, { uploadId: `u${String(i).padStart(4, "0")}`, collectedAt: `2026-12-0${1 + Math.floor(i / 10)}T0${i % 10}:00:00.000Z`, version: 1, facts: { machineId: null, hostname: "pc-1" }, observations: [], issues: 0 });
    moved.push(rejectSpooled(dir, path).split(/[\\/]/).pop()!);
  }
  assert.deepEqual(spooled(dir), [], "nothing refused stays in the spool to be sent");
  const kept = readdirSync(join(dir, "spool", "rejected")).sort();
  assert.equal(kept.length, REJECTED_KEPT);
  assert.deepEqual(kept, moved.slice(-REJECTED_KEPT), "the newest are kept");
  assert.ok(!existsSync(join(dir, "spool", "rejected", moved[0]!)), "the oldest is gone");
});
