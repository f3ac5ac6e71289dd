/**
 * @module
 * Build step (`npm run build`): bundles the command line and the scan's worker thread into
 * dist/cli/, the code `bin/ictsguard.js` runs. Node.js 20 loads ES modules one file at a time
 * (resolve, read, compile, link): the 140 compiled files a scan loads cost about 35 ms of every
 * start, in the main thread and again in each worker of a scan read in parts. The bundle is the
 * same code in about 100 files, of which a scan loads about 45: commands still load lazily
 * (each is a chunk of its own), and the packages in node_modules but zod stay outside it, loaded
 * as they are. The library (`import … from "ictsguard"`) and the tests use dist/src/ as tsc
 * compiled it.
 *
 * Code that names a file beside itself must name it from the package root (util/package-root.ts)
 * or be an entry point here: the worker is, so `new URL("./parallel-read-worker.js",
 * import.meta.url)` finds it in dist/cli/ as it does in dist/src/scan/.
 */
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { packagePath } from "../util/package-root.js";

/**
 * Packages stay outside the bundle, loaded from node_modules as they are, except zod: its
 * ES build is 95 small files (64 of them locales, 63 a scan never uses), which cost a start about
 * 20 ms more. Bundled, only what the code uses is kept (18 modules), as long as the code imports
 * it as `import * as z from "zod"`: the `{ z }` export is one object holding all of zod
 * (test/cli-bundle.test.ts checks). `serve` then has two copies of zod (ours, and the one
 * @hono/zod-openapi loads); test/cli-bundle.test.ts checks that it documents and validates
 * requests as the compiled server does.
 */
const EXTERNAL = Object.keys((JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies)
  .filter((name) => name !== "zod")
  .flatMap((name) => [name, `${name}/*`]);

const outdir = packagePath("dist", "cli");
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  // flat: every entry and chunk in dist/cli/ itself
  entryPoints: { main: packagePath("dist", "src", "cli", "main.js"), "parallel-read-worker": packagePath("dist", "src", "scan", "parallel-read-worker.js") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  logLevel: "warning",
  metafile: true,
});
const files = Object.keys(result.metafile.outputs).length;
const inputs = Object.keys(result.metafile.inputs).length;
process.stdout.write(`command-line bundle: ${inputs} modules in ${files} files (dist/cli/)\n`);
