/**
 * @module
 * The flags of the commands that talk to a fleet server (`upload`, `attest`): the server's URL
 * and API key (from the flags or ICTSGUARD_SERVER / ICTSGUARD_API_KEY, so the key can stay out
 * of the process list), tries and the timeout of one try, checked in one place so both commands
 * refuse the same mistakes with the same words.
 */
import { UsageError } from "../scan/index.js";

export type ServerFlags = { server?: string; apiKey?: string; retries: string; timeout: string };

export type ServerClient = {
  /** The server's base URL, as given (http or https). */
  server: string;
  apiKey: string;
  /** Tries per request, the first included. */
  attempts: number;
  /** Seconds one try may take. */
  timeoutSeconds: number;
};

export function serverClientOf(command: string, flags: ServerFlags): ServerClient {
  const server = flags.server ?? process.env.ICTSGUARD_SERVER;
  const apiKey = flags.apiKey ?? process.env.ICTSGUARD_API_KEY;
  if (!server) throw new UsageError(`${command} needs --server URL (or ICTSGUARD_SERVER)`);
  if (!apiKey) throw new UsageError(`${command} needs --api-key KEY (or ICTSGUARD_API_KEY)`);
  let protocol: string;
  try {
    protocol = new URL(server).protocol;
  } catch {
    protocol = "";
  }
  if (protocol !== "http:" && protocol !== "https:") throw new UsageError(`--server must be an http:// or https:// URL, got "${server}"`);
  const attempts = Number(flags.retries);
  if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError(`--retries must be a whole number of at least 1, got "${flags.retries}"`);
  const timeoutSeconds = Number(flags.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a number of seconds above 0, got "${flags.timeout}"`);
  return { server, apiKey, attempts, timeoutSeconds };
}
