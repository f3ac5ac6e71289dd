import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProgram } from "./main.js";

describe("cli: commands load lazily, with the same help", () => {
  it("defines only the command a run names, with the help it has among all commands", async () => {
    const all = await createProgram();
    assert.deepEqual(all.commands.map((c) => c.name()), ["scan", "check", "screen", "lists", "catalog", "report", "timeline", "formats", "serve", "upload", "server", "attest", "agent"]);
    for (const command of all.commands) {
      const alone = await createProgram(["node", "ictsguard", command.name(), "--help"]);
      assert.deepEqual(alone.commands.map((c) => c.name()), [command.name()]);
      assert.equal(alone.commands[0]!.helpInformation(), command.helpInformation());
      for (const [i, sub] of command.commands.entries()) assert.equal(alone.commands[0]!.commands[i]!.helpInformation(), sub.helpInformation());
    }
  });

  it("defines none for --version, and all for the program's help, help, or an unknown name", async () => {
    assert.equal((await createProgram(["node", "ictsguard", "--version"])).commands.length, 0);
    const every = (await createProgram()).commands.length;
    for (const argv of [[], ["--help"], ["-h", "scan"], ["help", "scan"], ["nosuch"]]) {
      assert.equal((await createProgram(["node", "ictsguard", ...argv])).commands.length, every, argv.join(" "));
    }
  });
});
