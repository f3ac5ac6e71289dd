import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { portOutsideEphemeralRange } from "./port.js";

describe("testing: a port to stop and start again", () => {
  it("is free, and below the ephemeral range that listen(0) draws from", async () => {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    const port = await portOutsideEphemeralRange();
    assert.ok(port >= 10000 && port < low, `${port} is not in [10000, ${low})`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
