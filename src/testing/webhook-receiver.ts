/**
 * @module
 * A webhook receiver for tests, on 127.0.0.1: it answers 200, answers 500, holds requests without
 * answering (a slow receiver), or is down (refusing connections, its port kept to listen on
 * again; the port is from below the ephemeral range, see ./port.ts). Every request is recorded
 * with its raw body and headers. `verify` is the signature recipe of docs/server.md ("Headers
 * and the signature") written out, not the server's signer.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { portOutsideEphemeralRange } from "./port.js";

/** The recipe of docs/server.md ("Headers and the signature"), written out here. */
export function verify(secret: string, rawBody: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One request the receiver got; `answered` is the status it answered (0: held, never answered). */
export type Received = { id: string; type: string; headerId: string; body: any; raw: string; signature: string; answered: number };

export class Receiver {
  readonly all: Received[] = [];
  mode: "ok" | "500" | "hold" = "ok";
  port = 0;
  private server: Server | undefined;

  /** Listens; the first start takes a port no other test's `listen(0)` can take while this one is down. */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await portOutsideEphemeralRange();
    const server = createServer((req, res) => {
      void body(req).then((raw) => {
        const parsed = JSON.parse(raw) as { id: string; type: string };
        const answered = this.mode === "ok" ? 200 : this.mode === "500" ? 500 : 0;
        this.all.push({ id: parsed.id, type: parsed.type, headerId: String(req.headers["ictsguard-event-id"]), body: parsed, raw, signature: String(req.headers["ictsguard-signature"]), answered });
        if (answered !== 0) res.writeHead(answered, { "content-type": "text/plain" }).end(answered === 200 ? "ok" : "down for maintenance");
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Refuses connections from now on (the port stays ours to listen on again); held requests are cut. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/ictsguard`;
  }

  /** Events the receiver accepted (answered 200). */
  accepted(): Received[] {
    return this.all.filter((r) => r.answered === 200);
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
