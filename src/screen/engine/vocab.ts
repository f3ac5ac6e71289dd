/**
 * @module
 * The distinct tokens of the screening lists. A list of millions of names holds far fewer
 * distinct words, so each distinct token (its text, what it was written as, how it was read) is
 * one comparison token shared by every name that holds it, and each distinct text and skeleton
 * has a number the candidate index files it under.
 */
import type { Token } from "../normalize/index.js";
import { compTok, type CompTok } from "../score/tokens.js";

export class TokenVocab {
  /** Comparison tokens by shape id, shared by every record that holds them. */
  readonly shapes: CompTok[] = [];
  /** Shape id → text id. */
  readonly shapeText: number[] = [];
  /** Distinct token texts; text id → skeleton id. */
  readonly texts: string[] = [];
  readonly textSk: number[] = [];
  /** Distinct skeletons of the texts. */
  readonly sks: string[] = [];
  readonly skIds = new Map<string, number>();
  private readonly shapeIds = new Map<string, number>();
  private readonly textIds = new Map<string, number>();

  /** The shape id of a token, adding it when it is new. */
  intern(t: Token): number {
    // what a comparison or an explanation reads of a token: its text, its written form, how it
    // was read, and whether it was dotted or in parentheses (read as true or not, never as false)
    const key = `${t.text}\u0001${t.from}\u0001${t.via ?? ""}\u0001${t.dotted ? 1 : 0}${t.qualifier ? 1 : 0}`;
    let id = this.shapeIds.get(key);
    if (id !== undefined) return id;
    id = this.shapes.length;
    const tok = compTok(t);
    this.shapes.push(tok);
    this.shapeIds.set(key, id);
    let text = this.textIds.get(tok.text);
    if (text === undefined) {
      text = this.texts.length;
      this.texts.push(tok.text);
      this.textIds.set(tok.text, text);
      let sk = this.skIds.get(tok.sk);
      if (sk === undefined) {
        sk = this.sks.length;
        this.sks.push(tok.sk);
        this.skIds.set(tok.sk, sk);
      }
      this.textSk.push(sk);
    }
    this.shapeText.push(text);
    return id;
  }
}
