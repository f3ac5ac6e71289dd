import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { REPORT_FORMATS, REPORT_PRESENTERS, writeReport, type ReportFormat } from "./index.js";
import { presenterFor } from "./presenter.js";
import { render } from "./testdata/helpers.js";
import { emptyDocument, sampleDocument } from "./testdata/sample-document.js";

describe("report registry", () => {
  it("has a presenter for every format, the table first (the terminal default)", () => {
    assert.deepEqual([...REPORT_FORMATS], ["table", "json", "sarif", "csv"]);
    assert.deepEqual(Object.keys(REPORT_PRESENTERS), [...REPORT_FORMATS]);
    for (const f of REPORT_FORMATS) assert.equal(presenterFor(REPORT_PRESENTERS, f, "report").format, f);
  });

  it("names the known formats when asked for an unknown one", () => {
    assert.throws(() => presenterFor(REPORT_PRESENTERS, "xml" as ReportFormat, "report"), /unknown report format "xml"; known formats: table, json, sarif, csv/);
  });

  it("every format is deterministic, ends with a newline, and leaves the document as it was", async () => {
    for (const f of REPORT_FORMATS) {
      for (const doc of [sampleDocument(), emptyDocument()]) {
        const before = JSON.stringify(doc);
        const a = await render(f, doc);
        assert.equal(await render(f, doc), a, f);
        assert.ok(a.endsWith("\n"), f);
        assert.equal(JSON.stringify(doc), before, `${f} must not change the document`);
      }
    }
  });

  it("writeReport names the known formats on an unknown one", async () => {
    await assert.rejects(async () => writeReport(sampleDocument(), "xml" as ReportFormat, new Writable()), /unknown report format "xml"; known formats: table, json, sarif, csv/);
  });

  it("writeReport defaults to no colors", async () => {
    let text = "";
    const out = new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    await writeReport(sampleDocument(), "table", out);
    assert.ok(text.includes("prohibited"));
    assert.doesNotMatch(text, /\u001b\[/);
  });

  it("waits for a slow stream and reports its errors", async () => {
    let taken = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _e, done) {
        taken += chunk.length;
        setImmediate(done);
      },
    });
    await writeReport(sampleDocument(), "sarif", slow);
    assert.ok(taken > 1000);

    const broken = new Writable({ write: (_c, _e, done) => done(new Error("disk full")) });
    broken.on("error", () => {}); // the promise carries the error; keep the stream's event quiet
    await assert.rejects(writeReport(sampleDocument(), "csv", broken), /disk full/);
  });
});
