import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeControls } from "./controls.js";
import { escapeControls as reportEscape } from "../report/text.js";

describe("escapeControls (the CLI's outputs and the web dashboard share it)", () => {
  it("shows terminal escapes and bidi controls as visible escapes", () => {
    assert.equal(escapeControls("a\u001b[31mred"), "a\\u001B[31mred");
    assert.equal(escapeControls("Kaspersky \u202Egpj.exe"), "Kaspersky \\u202Egpj.exe");
    assert.equal(escapeControls("x\u2066y\u2069\u200e\u061c"), "x\\u2066y\\u2069\\u200E\\u061C");
    assert.equal(escapeControls("two\nlines\tand\r"), "two\\nlines\\tand\\r");
    assert.equal(escapeControls("\u0085\u009b\u007f"), "\\u0085\\u009B\\u007F");
  });
  it("leaves other text alone, HTML included (the dashboard's framework escapes HTML)", () => {
    assert.equal(escapeControls("<img src=x onerror=alert(1)> Лаборатория Касперского 卡巴斯基"), "<img src=x onerror=alert(1)> Лаборатория Касперского 卡巴斯基");
  });
  it("is the rule the report's text module exports", () => {
    assert.equal(reportEscape, escapeControls);
  });
});
