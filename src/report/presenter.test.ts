import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { CHECK_PRESENTERS } from "./check/index.js";
import { REPORT_PRESENTERS } from "./index.js";
import { definePresenter, presenterFor, type Presenters } from "./presenter.js";
import { SCREEN_PRESENTERS } from "../screen/output/index.js";

type Shout = { words: string[] };
const shout: Presenters<"upper" | "lower", Shout, { bang: boolean }> = {
  upper: definePresenter({ format: "upper", write: async (r, out, o) => void out.write(r.words.join(" ").toUpperCase() + (o.bang ? "!" : "")) }),
  lower: definePresenter({ format: "lower", write: async (r, out) => void out.write(r.words.join(" ").toLowerCase()) }),
};

describe("presenter registry", () => {
  it("finds the presenter of a format, which writes the report with the options", async () => {
    const out = new PassThrough();
    await presenterFor(shout, "upper", "shout").write({ words: ["a", "b"] }, out, { bang: true });
    assert.equal(out.read().toString(), "A B!");
  });

  it("names every known format, in the registry's order, on an unknown one", () => {
    assert.throws(() => presenterFor(shout, "camel" as "upper", "shout"), /^Error: unknown shout format "camel"; known formats: upper, lower$/);
    // names inherited from Object.prototype are not formats
    assert.throws(() => presenterFor(shout, "toString" as "upper", "shout"), /unknown shout format "toString"/);
  });

  it("scan, check and screen each file every presenter under its own format", () => {
    const registries: Record<string, Presenters<string, unknown, unknown>> = { scan: REPORT_PRESENTERS, check: CHECK_PRESENTERS, screen: SCREEN_PRESENTERS };
    for (const [command, presenters] of Object.entries(registries)) {
      for (const [format, presenter] of Object.entries(presenters)) assert.equal(presenter.format, format, `${command} ${format}`);
    }
  });
});
