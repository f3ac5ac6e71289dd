/**
 * @module
 * Browser extensions in the user profiles of every home folder (/root and each folder in /home):
 * Chrome, Chromium, Edge and Brave profiles under ~/.config (and their snap and Flatpak
 * folders), and Firefox profiles under ~/.mozilla/firefox (and snap, Flatpak). Homes the
 * collector may not read (another user's, without root) are warnings naming the folder.
 */
import type { Observation } from "../../model/observation.js";
import { chromiumExtensions, type BrowserFolder } from "../browsers/chromium.js";
import { firefoxExtensions } from "../browsers/firefox.js";
import { inRoot, listDir } from "../fs.js";
import { defineSource, type CollectContext } from "../types.js";

/** Chromium-family browser folders, relative to a home folder. */
export const CHROMIUM_FOLDERS: readonly { browser: string; path: string }[] = [
  { browser: "Chrome", path: ".config/google-chrome" },
  { browser: "Chrome Beta", path: ".config/google-chrome-beta" },
  { browser: "Chrome Dev", path: ".config/google-chrome-unstable" },
  { browser: "Chromium", path: ".config/chromium" },
  { browser: "Chromium (snap)", path: "snap/chromium/common/chromium" },
  { browser: "Edge", path: ".config/microsoft-edge" },
  { browser: "Edge Beta", path: ".config/microsoft-edge-beta" },
  { browser: "Edge Dev", path: ".config/microsoft-edge-dev" },
  { browser: "Brave", path: ".config/BraveSoftware/Brave-Browser" },
  { browser: "Chrome (Flatpak)", path: ".var/app/com.google.Chrome/config/google-chrome" },
  { browser: "Chromium (Flatpak)", path: ".var/app/org.chromium.Chromium/config/chromium" },
  { browser: "Edge (Flatpak)", path: ".var/app/com.microsoft.Edge/config/microsoft-edge" },
  { browser: "Brave (Flatpak)", path: ".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser" },
];

/** Firefox profile folders, relative to a home folder. */
export const FIREFOX_FOLDERS: readonly string[] = [".mozilla/firefox", "snap/firefox/common/.mozilla/firefox", ".var/app/org.mozilla.firefox/.mozilla/firefox"];

export const browserExtensionsSource = defineSource({
  name: "linux/browser-extensions",
  description: "browser extensions in user profiles (Chrome, Chromium, Edge, Brave, Firefox)",
  reads: "~/.config/{google-chrome,chromium,microsoft-edge,BraveSoftware/Brave-Browser}/<profile>/Extensions, ~/.mozilla/firefox/<profile>/extensions.json, for /root and /home/*",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    for (const home of await homes(ctx)) {
      // one warning for a home the collector may not read, not one per browser folder in it
      if (!(await listDir(ctx, home, "home folder"))) continue;
      for (const f of CHROMIUM_FOLDERS) {
        const folder: BrowserFolder = { browser: f.browser, path: `${home}/${f.path}` };
        yield* chromiumExtensions(ctx, folder);
      }
      for (const f of FIREFOX_FOLDERS) yield* firefoxExtensions(ctx, `${home}/${f}`);
    }
  },
});

/** Real paths of /root and of each folder in /home (under the root). */
export async function homes(ctx: CollectContext): Promise<string[]> {
  const out = [inRoot(ctx.root, "/root")];
  const home = inRoot(ctx.root, "/home");
  for (const entry of (await listDir(ctx, home, "home folder")) ?? []) {
    if (entry.isDirectory() && !entry.name.startsWith(".")) out.push(`${home}/${entry.name}`);
  }
  return out;
}
