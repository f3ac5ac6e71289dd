/**
 * @module
 * Running the app on a port (@hono/node-server) and stopping it gracefully: `close()` stops
 * accepting connections, lets the requests in flight finish (up to a grace period, after which
 * the connections left are cut), stops the fleet's jobs and closes the store. `serve` calls it
 * on SIGTERM and SIGINT.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp, type AppOptions } from "./app.js";

export type ListenAddress = { host: string; port: number };

export const DEFAULT_LISTEN: ListenAddress = { host: "127.0.0.1", port: 8080 };

export type ServerOptions = AppOptions & {
  listen?: ListenAddress;
  /** How long close() waits for requests in flight before cutting connections (default 30 s). */
  graceMs?: number;
  /** Also close the fleet (stop its jobs, close the store) on close() (default true). */
  closeFleet?: boolean;
};

export type RunningServer = {
  /** `http://host:port`, with the port the system gave for port 0. */
  url: string;
  port: number;
  /** Graceful shutdown; resolves once everything is closed. Safe to call twice. */
  close(): Promise<void>;
};

/** Parses `--listen HOST:PORT` (`[::1]:8080` for IPv6; a bare port is on 127.0.0.1). */
export function parseListen(value: string): ListenAddress {
  const m = value.match(/^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/) ?? value.match(/^()()(\d{1,5})$/);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) throw new Error(`expected HOST:PORT such as 127.0.0.1:8080, got "${value}"`);
  return { host: m[1] || m[2] || DEFAULT_LISTEN.host, port };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { app, drain, setListenUrl } = createApp(options);
  const listen = options.listen ?? DEFAULT_LISTEN;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }, () => resolve(s as Server)) as Server;
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  setListenUrl(`http://${host}:${address.port}`);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      return (closing ??= (async () => {
        drain();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // idle keep-alive connections would hold close() open; busy ones finish their request first
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 30_000);
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        try {
          await closed;
        } finally {
          clearTimeout(grace);
          clearInterval(idle);
        }
        if (options.closeFleet !== false) {
          await options.fleet.stopJobs();
          await options.fleet.close();
        }
      })());
    },
  };
}
