/**
 * @module
 * Runs the real CLI in this process and then reports its peak RSS on stderr, so the benchmark
 * measures the command users run, memory included.
 */
import { main } from "../src/cli/main.js";

await main(["node", "ictsguard", ...process.argv.slice(2)]);
process.stderr.write(`\n__bench__ ${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
