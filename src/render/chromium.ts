/**
 * @module
 * Debian's Chromium, driven by playwright-core, for printing HTML to PDF (and for the tests that
 * open the HTML). Launched headless with a fresh profile folder that is removed afterwards,
 * background networking, component updates, sync, QUIC and the GPU off, and `--no-sandbox`
 * only when running as root (Chromium refuses to start as root with its sandbox). playwright-core
 * is imported here, when a browser is launched, never at load time of the CLI.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { IctsError } from "../model/errors.js";

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
/** The environment variable that names another Chromium executable. */
export const CHROMIUM_ENV = "ICTSGUARD_CHROMIUM";
export const CHROMIUM_INSTALL_HINT = "apt-get install chromium fonts-noto-cjk";

export const CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-gpu",
  "--disable-quic",
  "--disable-default-apps",
  "--disable-extensions",
  "--metrics-recording-only",
  "--no-default-browser-check",
] as const;

/** The executable to use: the option, else $ICTSGUARD_CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env[CHROMIUM_ENV] || DEFAULT_CHROMIUM);
}

export type LaunchedChromium = {
  /** The browser's one context: offline, every request but data: and about: aborted. */
  context: BrowserContext;
  /** Requests the pages tried to make that were aborted (none is expected). */
  blocked: string[];
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
};

/** Launches Chromium, or throws an IctsError (exit 2) naming the Debian packages when it is missing. */
export async function launchChromium(executable?: string, options: { javaScript?: boolean } = {}): Promise<LaunchedChromium> {
  const path = chromiumPath(executable);
  if (!existsSync(path)) {
    throw new IctsError(
      "render/no-chromium",
      `Chromium is needed for PDF output and was not found at ${path}. Install it (Debian/Ubuntu: ${CHROMIUM_INSTALL_HINT}), or name another Chromium with --chromium or ${CHROMIUM_ENV}.`,
    );
  }
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "ictsguard-chromium-"));
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  let context: BrowserContext;
  try {
    // a persistent context is how playwright gives Chromium our own fresh --user-data-dir
    context = await chromium.launchPersistentContext(profile, {
      executablePath: path,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(asRoot ? ["--no-sandbox"] : [])],
      offline: true,
      serviceWorkers: "block",
      acceptDownloads: false,
      // off for printing; a test turns it on to show the page's own policy stops script
      javaScriptEnabled: options.javaScript === true,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new IctsError("render/chromium", `Chromium at ${path} did not start: ${(err as Error).message.split("\n")[0]}. Debian/Ubuntu: ${CHROMIUM_INSTALL_HINT}`);
  }
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || url.startsWith("about:")) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return {
    context,
    blocked,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
