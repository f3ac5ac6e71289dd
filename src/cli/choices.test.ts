import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROFILES, ROLES } from "../model/vocabulary.js";
import { READERS } from "../readers/registry.js";
import { REPORT_FORMATS } from "../report/index.js";
import { PROFILE_CHOICES, READER_NAME_CHOICES, REPORT_FORMAT_CHOICES, ROLE_CHOICES } from "./choices.js";

describe("cli choices", () => {
  it("equal the lists of the modules that own them", () => {
    assert.deepEqual([...REPORT_FORMAT_CHOICES], [...REPORT_FORMATS]);
    assert.deepEqual([...PROFILE_CHOICES], [...PROFILES]);
    assert.deepEqual([...ROLE_CHOICES], [...ROLES]);
    assert.deepEqual([...READER_NAME_CHOICES], READERS.map((r) => r.name));
  });
});
