/**
 * @module
 * A port for a test server that is stopped and started again on the same port (a fleet server
 * down during an agent's run, a webhook receiver that goes down). A port the kernel handed out
 * for `listen(0)` is no such port: once it is closed, the next `listen(0)` of any test running
 * beside this one may be handed it, and the "down" server answers as another test's server (CI
 * saw an agent's spooled upload refused with another server's 401). So the port is taken from
 * below the kernel's ephemeral range, which `listen(0)` never hands out; tests that bind port 0
 * cannot take it while it is closed.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port of the kernel's ephemeral range (Linux's file; IANA's 49152 elsewhere). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 49152;
  } catch {
    return 49152;
  }
}

/** Listens on 127.0.0.1:port and closes: true when it was free. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/**
 * A free port on 127.0.0.1 from 10000 up to the ephemeral range, chosen at random (two tests
 * that ask at once almost never draw the same one), that no `listen(0)` will be handed.
 */
export async function portOutsideEphemeralRange(): Promise<number> {
  const low = 10000;
  const high = ephemeralLow() - 1;
  for (let tries = 0; tries < 50; tries++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${low} and ${high} after 50 tries`);
}
