/**
 * @module
 * Helpers for the fleet server's tests: a store on each backend (a SQLite file in a temporary
 * folder, or a PostgreSQL database with a random name made by pg-database.ts and dropped
 * afterwards), the real `ictsguard` command run as a child process (`serve`, `upload`,
 * `scan`) without blocking the test's own event loop, and small HTTP helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoPath } from "./index.js";
import { createTestDatabase } from "./pg-database.js";
import { tempDir } from "./temp.js";

export const BACKENDS = ["sqlite", "postgres"] as const;
export type Backend = (typeof BACKENDS)[number];

export type TestStore = {
  backend: Backend;
  /** What `--db` takes: a postgres:// URL or a SQLite file path. */
  db: string;
  /** ICTSGUARD_HOME for the processes (its own temporary folder, so no installed catalog leaks in). */
  home: string;
  /** Drops the PostgreSQL database (the SQLite file goes with its temporary folder). */
  drop(): Promise<void>;
};

/** A fresh, empty store on the backend. */
export async function createTestStore(backend: Backend, prefix = "ictsguard_test"): Promise<TestStore> {
  const home = tempDir("ictsguard-fleet-home-");
  if (backend === "sqlite") return { backend, db: join(home, "fleet.sqlite"), home, drop: async () => {} };
  const database = await createTestDatabase(prefix);
  return { backend, db: database.url, home, drop: () => database.drop() };
}

export const BIN = repoPath("bin/ictsguard.js");

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Runs `ictsguard ARGS` to its end without blocking this process (the server may be in it). */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? tempDir("ictsguard-cwd-"),
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export type ServeProcess = {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote on stderr so far. */
  stderr(): string;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (unless the process has ended) and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Spawns `ictsguard serve --db DB --listen 127.0.0.1:0` and waits until it listens. */
export async function spawnServe(store: Pick<TestStore, "db" | "home">, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, "serve", "--db", store.db, "--listen", "127.0.0.1:0", ...args], {
    cwd: tempDir("ictsguard-cwd-"),
    env: { ...process.env, NO_COLOR: "1", ICTSGUARD_HOME: store.home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${stderr}`)), 60_000);
    child.stderr!.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
      const m = stderr.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stdout!.resume();
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve ended before listening (code ${code}, signal ${signal}):\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A JSON request with a key; answers the status and the parsed body. */
export async function api(base: string, path: string, options: { key?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method: options.method ?? (body !== undefined ? "POST" : "GET"), headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics)
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
