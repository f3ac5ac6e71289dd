/**
 * @module
 * The screening corpus: every name of every entity, normalized once into forms (name records),
 * with token statistics (how many entities use each skeleton: the inverse document frequency
 * behind token weights) and a candidate index (candidate-index.ts), so that screening a name
 * looks at a few dozen names instead of every name of every list.
 *
 * Records are numbered in entity order, and within an entity in the order of its names (the
 * primary name, then its aliases) and their forms; a form whose tokens repeat an earlier form of
 * the same entity is not a record of its own.
 */
import { normalizeName, type LegalFormHit, type NameForm } from "../normalize/index.js";
import { COUNTRY_WORDS } from "../normalize/country.js";
import { CN_PLACE_WORDS } from "../../text/places.js";
import { GENERIC_WORDS } from "../normalize/words.js";
import { SCREEN_SCHEMAS, type EntityName, type ListedEntity, type ScreenSchema } from "../model.js";
import { joinedRuns, type CompTok, type JoinedRun } from "../score/tokens.js";
import { CandidateIndexBuilder, type CandidateIndex, type RankInput, type RecordView } from "./candidate-index.js";
import { GrowableInt32 } from "./growable.js";
import { TokenVocab } from "./vocab.js";

/** One form of one name of one entity. */
export type NameRecord = {
  entity: number;
  name: EntityName;
  form: NameForm;
  tokens: readonly CompTok[];
  /** The tokens' joined runs (score/tokens.ts joinedRuns), computed once: every query that meets the record compares them. */
  runs: readonly JoinedRun[];
};

export class ScreeningCorpus implements RecordView {
  private readonly entityList: readonly ListedEntity[];
  private readonly recordList: NameRecord[] = [];
  private readonly vocab = new TokenVocab();
  private readonly df = new Map<string, number>();
  private readonly index: CandidateIndex;
  private readonly maxWeight: number;
  private readonly genericWeight: number;
  private readonly placeWeight: number;
  /** Each record's total token weight (qualifiers at half), and whether it names a person: what the ranking estimates coverage with. */
  private readonly rank: RankInput;
  /**
   * What screening reads of every candidate's entity, as columns: its kind, its countries (one
   * array per distinct set) and its records' entity. Entities of different lists are objects
   * of many shapes, and reading them for every candidate cost more than scoring it.
   */
  private readonly schemaCode: Uint8Array;
  private readonly countryId: Int32Array;
  private readonly countrySets: (readonly string[])[] = [];
  private readonly recEntity: Int32Array;

  constructor(entities: readonly ListedEntity[]) {
    this.entityList = entities;
    this.schemaCode = new Uint8Array(entities.length);
    this.countryId = new Int32Array(entities.length);
    const countryIds = new Map<string, number>();
    const builder = new CandidateIndexBuilder(entities.length);
    const recTokStart = new GrowableInt32(entities.length + 1);
    const recToks = new GrowableInt32(entities.length * 4);
    recTokStart.push(0);
    entities.forEach((entity, e) => {
      this.schemaCode[e] = SCREEN_SCHEMAS.indexOf(entity.schema);
      const countriesKey = entity.countries.join(",");
      let c = countryIds.get(countriesKey);
      if (c === undefined) {
        c = this.countrySets.length;
        countryIds.set(countriesKey, c);
        this.countrySets.push([...entity.countries]);
      }
      this.countryId[e] = c;
      const seen = new Set<string>();
      const skeletons = new Set<string>();
      const names: EntityName[] = [{ name: entity.name, kind: "name" }, ...entity.aliases];
      const person = entity.schema === "person";
      for (const name of names) {
        for (const form of normalizeName(name.name, { person })) {
          const key = form.tokens.map((t) => t.text).join(" ");
          if (form.tokens.length === 0 || seen.has(key)) continue;
          seen.add(key);
          const tokens: CompTok[] = [];
          for (const t of form.tokens) {
            const id = this.vocab.intern(t);
            recToks.push(id);
            tokens.push(this.vocab.shapes[id]!);
          }
          recTokStart.push(recToks.length);
          const runs = joinedRuns(tokens);
          this.recordList.push({ entity: e, name, form, tokens, runs });
          builder.add(tokens, runs);
          for (const t of tokens) skeletons.add(t.sk);
        }
      }
      for (const s of skeletons) this.df.set(s, (this.df.get(s) ?? 0) + 1);
    });
    this.index = builder.finish(this.vocab, recTokStart.finish(), recToks.finish());
    this.maxWeight = Math.log(1 + Math.max(entities.length, 1));
    this.genericWeight = 0.3 * this.maxWeight;
    this.placeWeight = 0.15 * this.maxWeight;
    for (const t of this.vocab.shapes) t.w = this.weigh(t);
    const recordWeight = new Float64Array(this.recordList.length);
    const recordPerson = new Uint8Array(this.recordList.length);
    this.recEntity = new Int32Array(this.recordList.length);
    this.recordList.forEach((r, id) => {
      let w = 0;
      for (const t of r.tokens) w += t.w! * (t.qualifier ? 0.5 : 1);
      recordWeight[id] = w;
      recordPerson[id] = this.schemaOf(r.entity) === "person" ? 1 : 0;
      this.recEntity[id] = r.entity;
    });
    this.rank = { weigh: this.weigh, recordWeight, recordPerson };
  }

  /**
   * A token's weight: ln(1 + N / df) over the N entities (a token no entity uses weighs as the
   * rarest), capped at 30% of the rarest for generic words and country names, and at 15% for
   * Chinese province and city names, which registered names carry in front and people leave out.
   */
  weigh = (token: CompTok): number => {
    const df = this.df.get(token.sk) ?? 0;
    const idf = Math.log(1 + this.entityList.length / Math.max(df, 1));
    if (CN_PLACE_WORDS.has(token.text)) return Math.min(idf, this.placeWeight);
    return GENERIC_WORDS.has(token.text) || COUNTRY_WORDS.has(token.text) ? Math.min(idf, this.genericWeight) : idf;
  };

  get entityCount(): number {
    return this.entityList.length;
  }

  get recordCount(): number {
    return this.recordList.length;
  }

  entity(e: number): ListedEntity {
    return this.entityList[e]!;
  }

  record(id: number): NameRecord {
    return this.recordList[id]!;
  }

  /** The entity a record names. */
  recordEntity(id: number): number {
    return this.recEntity[id]!;
  }

  schemaOf(e: number): ScreenSchema {
    return SCREEN_SCHEMAS[this.schemaCode[e]!]!;
  }

  /** The entity's countries (the same array for every entity of the same countries: not to be changed). */
  countriesOf(e: number): readonly string[] {
    return this.countrySets[this.countryId[e]!]!;
  }

  /** The legal forms the record's name carried (taken out of its tokens). */
  legalFormsOf(id: number): readonly LegalFormHit[] {
    return this.recordList[id]!.form.legalForms;
  }

  tokens(id: number): readonly CompTok[] {
    return this.recordList[id]!.tokens;
  }

  runs(id: number): readonly JoinedRun[] {
    return this.recordList[id]!.runs;
  }

  /** What the index ranks records with (token weights, record weights and kinds): the tests' reference index ranks with the same. */
  get rankInput(): RankInput {
    return this.rank;
  }

  /**
   * Entities' name records that share a key with the query, best first by their estimated score,
   * at most `limit` of them (candidate-index.ts); `runs` are the forms' joined runs when known.
   */
  candidates(forms: readonly CompTok[][], limit: number, runs?: readonly (readonly JoinedRun[])[]): number[] {
    return this.index.candidates(forms, limit, this.rank, this, runs);
  }

  get size(): { entities: number; names: number; keys: number } {
    const s = this.index.size;
    return { entities: this.entityList.length, names: this.recordList.length, keys: s.tokenKeys + s.nameKeys };
  }
}
