import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml, h, link, trusted } from "./safe.js";

describe("h: HTML escaped by default", () => {
  it("escapes every interpolated string, in text and in attributes", () => {
    const name = `<img src=x onerror=alert(1)>"'&`;
    assert.equal(h`<td title="${name}">${name}</td>`.html, `<td title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</td>`);
  });

  it("makes controls and bidi overrides visible instead of acting", () => {
    assert.equal(escapeHtml("exe\u202Etxt.exe\u001b[31m"), "exe\\u202Etxt.exe\\u001B[31m");
  });

  it("nests h fragments and arrays without escaping them twice; drops undefined and false", () => {
    const items = ["a<b", "c"].map((x) => h`<li>${x}</li>`);
    assert.equal(h`<ul>${items}${undefined}${false}</ul>`.html, "<ul><li>a&lt;b</li><li>c</li></ul>");
    assert.equal(h`${trusted("<br>")}`.html, "<br>");
  });

  it("links only http(s) addresses", () => {
    assert.equal(link("https://example.org/a?b=1&c=2", "x").html, `<a href="https://example.org/a?b=1&amp;c=2">x</a>`);
    assert.equal(link("javascript:alert(1)", "x").html, "x");
    assert.equal(link("86 FR 4909", "86 FR 4909").html, "86 FR 4909");
  });
});
