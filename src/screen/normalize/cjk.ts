/**
 * @module
 * Chinese (and Japanese kanji) names: segmented on the words of company names and the Han legal
 * forms (longest first), translated where the word has an English meaning ("技术" → technology),
 * and read in toneless pinyin otherwise, one token per run ("华为" → huawei, "海康威视" →
 * haikangweishi). Pinyin comes from pinyin-pro, which reads characters with several readings in
 * context (卡 is "ka" in 卡巴斯基, where a plain character table says "qia").
 */
import { pinyin } from "pinyin-pro";
import { LEGAL_FORMS, type LegalForm } from "../../text/legal-forms.js";
import { CJK_WORDS } from "./words.js";

export type CjkPiece =
  | { kind: "word"; text: string; from: string; via: "pinyin" | "translation" }
  | { kind: "legal-form"; from: string; form: LegalForm };

const HAN_FORMS: ReadonlyMap<string, LegalForm> = new Map(
  LEGAL_FORMS.flatMap((f) => f.forms.filter((s) => /\p{Script=Han}/u.test(s)).map((s) => [s, f] as const)),
);
/** Administrative suffixes of place names: city, province. */
const PLACE_SUFFIXES: ReadonlySet<string> = new Set(["市", "省"]);
const LONGEST = Math.max(...[...CJK_WORDS.keys(), ...HAN_FORMS.keys()].map((w) => w.length));

/** Toneless pinyin of Han text as one lower-case token. */
export function pinyinToken(han: string): string {
  return pinyin(han, { toneType: "none", type: "array", v: true })
    .join("")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** Splits a run of Han characters into dictionary words, legal forms and pinyin name runs. */
export function segmentHan(run: string): CjkPiece[] {
  const pieces: CjkPiece[] = [];
  let pending = "";
  const flush = () => {
    if (pending) pieces.push({ kind: "word", text: pinyinToken(pending), from: pending, via: "pinyin" });
    pending = "";
  };
  let i = 0;
  while (i < run.length) {
    let hit: { len: number; piece: CjkPiece } | undefined;
    for (let len = Math.min(LONGEST, run.length - i); len >= 2 && !hit; len--) {
      const w = run.slice(i, i + len);
      const form = HAN_FORMS.get(w);
      if (form) hit = { len, piece: { kind: "legal-form", from: w, form } };
      else if (CJK_WORDS.has(w)) {
        const meaning = CJK_WORDS.get(w);
        hit = { len, piece: meaning ? { kind: "word", text: meaning, from: w, via: "translation" } : { kind: "word", text: pinyinToken(w), from: w, via: "pinyin" } };
      }
    }
    if (hit) {
      flush();
      pieces.push(hit.piece);
      i += hit.len;
      // a place name with its administrative suffix (深圳市 "Shenzhen City", 浙江省 "Zhejiang
      // Province") is the place name: the suffix is not read into the name after it
      if (hit.piece.kind === "word" && CJK_WORDS.get(hit.piece.from) === null && PLACE_SUFFIXES.has(run[i] ?? "")) i++;
    } else {
      pending += run[i];
      i++;
    }
  }
  flush();
  return pieces;
}
