/**
 * @module
 * Runs the real CLI in this process and then reports its peak RSS on stderr, so the benchmark
 * measures the command users run, memory included: the bundle `bin/ictsguard.js` loads
 * (dist/cli/, src/cli/build-bundle.ts), not the modules tsc wrote to dist/src/, which load
 * more slowly (one file at a time).
 */
const { main } = (await import(new URL("../cli/main.js", import.meta.url).href)) as { main(argv?: string[]): Promise<void> };

await main(["node", "ictsguard", ...process.argv.slice(2)]);
process.stderr.write(`\n__bench__ ${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
