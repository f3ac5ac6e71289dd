/**
 * @module
 * Installed RPM packages. The rpm database is binary (Berkeley DB, NDB or SQLite, by
 * distribution and age), so it is read by `rpm` itself: `rpm -qa --queryformat ...` on this
 * machine, or `rpm --root DIR -qa ...` for a root given with --host-root, printing the tab format
 * the rpm reader (src/readers/rpm-list) reads: name, epoch, version, release, architecture,
 * vendor, packager, install time. No rpm database → skipped; a database but no `rpm` command to
 * read it → skipped, saying so.
 */
import { stat } from "node:fs/promises";
import type { Observation } from "../../model/observation.js";
import { rpmListReader } from "../../readers/rpm-list/index.js";
import { readCommand } from "../command.js";
import { inRoot } from "../fs.js";
import { defineSource, type CollectContext } from "../types.js";

/** Where distributions keep the rpm database: the classic place, and the newer /usr one (Fedora 36+, SUSE). */
export const RPM_DATABASES = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"] as const;
export const RPM_QUERY_FORMAT = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{PACKAGER}\\t%{INSTALLTIME}\\n";

export const rpmSource = defineSource({
  name: "linux/rpm",
  description: "installed RPM packages (rpm)",
  reads: "rpm -qa --queryformat (rpm --root with --host-root)",
  async *collect(ctx: CollectContext): AsyncIterable<Observation> {
    let database: string | undefined;
    for (const db of RPM_DATABASES) {
      const s = await stat(inRoot(ctx.root, db)).catch(() => undefined);
      if (s?.isDirectory()) {
        database = db;
        break;
      }
    }
    if (!database) {
      ctx.skip(`no rpm database (${RPM_DATABASES.join(", ")}): not an RPM-based system`);
      return;
    }
    const args = [...(ctx.root === "/" ? [] : ["--root", ctx.root]), "-qa", "--queryformat", RPM_QUERY_FORMAT];
    const label = ctx.root === "/" ? "rpm -qa" : `rpm --root ${ctx.root} -qa`;
    const missing = `an rpm database is at ${database}, but the rpm command is not installed here to read it`;
    yield* readCommand(ctx, { command: "rpm", args, label, missing }, (input) => rpmListReader.read(input, ctx));
  },
});
