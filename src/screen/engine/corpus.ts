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
 *
 * Entities come from sources of two kinds. Held in memory (the catalog, small lists), each
 * entity and record is kept as an object. Read from a stored list's file (lists of millions of
 * entries), only columns are kept: each record's tokens (as numbers into the vocabulary, vocab.ts),
 * entity, name and form; each entity's kind, countries and place in the file. An entity is read
 * back from its file, and a record's form normalized again, only when a candidate is reported
 * or ties another: the results are the same as with everything in memory (a test holds them to
 * it), in a fraction of the memory.
 */
import { normalizeName, type LegalFormHit, type NameForm } from "../normalize/index.js";
import { countryWords } from "../normalize/country.js";
import { CN_PLACE_WORDS } from "../../text/places.js";
import { GENERIC_WORDS } from "../normalize/words.js";
import type { StoredListFile } from "../lists/store.js";
import { SCREEN_SCHEMAS, type EntityName, type ListedEntity, type ScreenEntity, type ScreenSchema } from "../model.js";
import { joinedRuns, type CompTok, type JoinedRun } from "../score/tokens.js";
import { CandidateIndexBuilder, type CandidateIndex, type RankInput, type RecordView } from "./candidate-index.js";
import { GrowableUint, MonotoneColumnBuilder, type MonotoneColumn } from "./growable.js";
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

/** Where a corpus's entities come from: held in memory, or read from an imported list's file as needed. */
export type CorpusSource = { entities: readonly ListedEntity[] } | { list: string; file: StoredListFile };

/** A run of entities (and their records) from one source. */
type Segment = {
  entStart: number;
  entEnd: number;
  recStart: number;
  recEnd: number;
  /** In memory: the entities and their records. */
  entities?: readonly ListedEntity[];
  records?: NameRecord[];
  /** From a file: the list's name and file, and where each entity's line starts (it ends where the next starts). */
  list?: string;
  file?: StoredListFile;
  offsets?: MonotoneColumn;
};
/** Entities and records of file sources kept decoded after use (a query reports a few; ties are read again and again). */
const CACHE_SIZE = 4096;

/** Files closed when a corpus that read from them is collected (a server drops its corpus when a list is imported again). */
const closeFiles = new FinalizationRegistry<StoredListFile[]>((files) => {
  for (const f of files) f.close();
});

export class ScreeningCorpus implements RecordView {
  private readonly segments: Segment[] = [];
  private readonly vocab = new TokenVocab();
  private readonly df = new Map<string, number>();
  private readonly index: CandidateIndex;
  private readonly nEntities: number;
  private readonly maxWeight: number;
  private readonly genericWeight: number;
  /** Country names' words (normalize/country.ts), weighed as generic words. */
  private readonly countryNameWords = countryWords();
  private readonly placeWeight: number;
  /** Each record's total token weight (qualifiers at half), and whether it names a person: what the ranking estimates coverage with. */
  private readonly rank: RankInput;
  /**
   * What screening reads of every candidate's entity, as columns: its kind, its countries (one
   * array per distinct set) and its records' entity. Entities of different lists are objects
   * of many shapes, and reading them for every candidate cost more than scoring it.
   */
  private readonly schemaCode: Uint8Array;
  private readonly countryId: Uint8Array | Uint16Array | Int32Array;
  private readonly countrySets: (readonly string[])[] = [];
  private readonly recEntity: MonotoneColumn;
  /** Each record's tokens (shape ids into the vocabulary: recToks from recTokStart(id) to recTokStart(id + 1)) and legal forms (one list per distinct set). */
  private readonly recTokStart: MonotoneColumn;
  private readonly recToks: Uint8Array | Uint16Array | Int32Array;
  private readonly recLegal: Uint8Array | Uint16Array | Int32Array;
  private readonly legalSets: (readonly LegalFormHit[])[] = [];
  private readonly files: StoredListFile[] = [];
  private entityCache = new Map<number, ListedEntity>();
  private recordCache = new Map<number, { tokens: readonly CompTok[]; runs: readonly JoinedRun[] }>();
  private lastSegment = 0;

  /**
   * A corpus of entities held in memory, or of the sources given (`{ sources }`), in that order.
   * `spillKeysAbove`: records expected past which the build keeps name keys in a temporary
   * file (candidate-index.ts SPILL_ABOVE; tests set it low to build that way).
   */
  constructor(input: readonly ListedEntity[] | { sources: readonly CorpusSource[]; spillKeysAbove?: number }) {
    const sources: readonly CorpusSource[] = "sources" in input ? input.sources : [{ entities: input }];
    // columns sized from the lists' counts up front: growing one copies it, and the copies
    // freed as a build of millions goes on leave memory in pieces the process keeps
    let expected = 0;
    let names = 0;
    for (const s of sources) {
      expected += "entities" in s ? s.entities.length : s.file.header.counts.entries;
      names += "entities" in s ? s.entities.reduce((n, e) => n + 1 + e.aliases.length, 0) : s.file.header.counts.entries + s.file.header.counts.aliases;
    }
    const schemaCode = new GrowableUint(expected);
    const countryId = new GrowableUint(expected);
    const countryIds = new Map<string, number>();
    const legalIds = new Map<string, number>();
    const recEntity = new MonotoneColumnBuilder(names);
    const recTokStart = new MonotoneColumnBuilder(names + 1);
    // two bytes a token from the start: a list of any size has more than 255 distinct tokens
    const recToks = new GrowableUint(names * 3, 2);
    const recLegal = new GrowableUint(names);
    const builder = new CandidateIndexBuilder(names, "sources" in input ? input.spillKeysAbove : undefined);
    recTokStart.push(0);
    let e = 0;

    const addEntity = (entity: ScreenEntity, keep: NameRecord[] | undefined) => {
      if (e >= 0x7fffffff) throw new Error("too many entities");
      schemaCode.push(SCREEN_SCHEMAS.indexOf(entity.schema));
      const countriesKey = entity.countries.join(",");
      let c = countryIds.get(countriesKey);
      if (c === undefined) {
        c = this.countrySets.length;
        countryIds.set(countriesKey, c);
        this.countrySets.push([...entity.countries]);
      }
      countryId.push(c);
      const skeletons = new Set<string>();
      for (const { name, form } of nameForms(entity)) {
        const tokens: CompTok[] = [];
        for (const t of form.tokens) {
          const id = this.vocab.intern(t);
          recToks.push(id);
          tokens.push(this.vocab.shapes[id]!);
        }
        recTokStart.push(recToks.length);
        const runs = joinedRuns(tokens, false);
        recEntity.push(e);
        const legalKey = form.legalForms.map((h) => `${h.text}\u0001${h.lang}\u0001${h.class}\u0001${h.meaning}`).join("\u0002");
        let l = legalIds.get(legalKey);
        if (l === undefined) {
          l = this.legalSets.length;
          legalIds.set(legalKey, l);
          this.legalSets.push(form.legalForms);
        }
        recLegal.push(l);
        keep?.push({ entity: e, name, form, tokens, runs });
        builder.add(tokens, runs);
        for (const t of tokens) skeletons.add(t.sk);
      }
      for (const s of skeletons) this.df.set(s, (this.df.get(s) ?? 0) + 1);
      e++;
    };

    // a build that stops (a damaged list file) leaves no temporary file behind
    try {
      for (const source of sources) {
        const segment: Segment = { entStart: e, entEnd: e, recStart: recEntity.length, recEnd: recEntity.length };
        if ("entities" in source) {
          segment.entities = source.entities;
          segment.records = [];
          for (const entity of source.entities) addEntity(entity, segment.records);
        } else {
          const offsets = new MonotoneColumnBuilder(source.file.header.counts.entries);
          for (const { entity, offset } of source.file.entries()) {
            offsets.push(offset);
            addEntity(entity, undefined);
          }
          segment.list = source.list;
          segment.file = source.file;
          segment.offsets = offsets.finish();
          this.files.push(source.file);
        }
        segment.entEnd = e;
        segment.recEnd = recEntity.length;
        this.segments.push(segment);
      }
      if (this.files.length > 0) closeFiles.register(this, this.files, this);

      this.nEntities = e;
      this.schemaCode = schemaCode.finish() as Uint8Array;
      this.countryId = countryId.finish();
      this.recEntity = recEntity.finish();
      this.recTokStart = recTokStart.finish();
      this.recToks = recToks.finish();
      this.recLegal = recLegal.finish();
      this.index = builder.finish(this.vocab, this.recTokStart, this.recToks);
    } catch (err) {
      builder.discard();
      throw err;
    }
    this.maxWeight = Math.log(1 + Math.max(this.nEntities, 1));
    this.genericWeight = 0.3 * this.maxWeight;
    this.placeWeight = 0.15 * this.maxWeight;
    for (const t of this.vocab.shapes) t.w = this.weigh(t);
    // (methods, not closures made here: a closure would keep this function's scope, and with
    // it every column under construction, alive as long as the corpus)
    this.rank = { weigh: this.weigh, recordWeight: this.recordWeight, recordPerson: this.recordPerson };
    const nRecords = this.recEntity.length;
    if (nRecords <= WEIGHTS_KEPT_MAX) {
      const weights = new Float64Array(nRecords);
      for (let id = 0; id < nRecords; id++) weights[id] = this.sumWeight(id);
      this.recWeights = weights;
    }
  }

  /**
   * A record's total token weight (qualifiers at half), summed in token order as the scorer
   * sums; for a list of millions, when the ranking asks (for the few hundred records a query
   * shares much with): a column of them would take 16 MB for two million names.
   */
  private recordWeight = (id: number): number => {
    if (this.recWeights) return this.recWeights[id]!;
    return this.sumWeight(id);
  };

  /** Each record's weight, kept for up to a million records (read for hundreds of records a query, it is worth its memory there). */
  private recWeights: Float64Array | undefined;

  private sumWeight(id: number): number {
    let w = 0;
    for (let k = this.recTokStart.get(id), end = this.recTokStart.get(id + 1); k < end; k++) {
      const t = this.vocab.shapes[this.recToks[k]!]!;
      w += t.w! * (t.qualifier ? 0.5 : 1);
    }
    return w;
  }

  private recordPerson = (id: number): boolean => this.schemaCode[this.recEntity.get(id)] === PERSON;

  /**
   * A token's weight: ln(1 + N / df) over the N entities (a token no entity uses weighs as the
   * rarest), capped at 30% of the rarest for generic words and country names, and at 15% for
   * Chinese province and city names, which registered names carry in front and people leave out.
   */
  weigh = (token: CompTok): number => {
    const df = this.df.get(token.sk) ?? 0;
    const idf = Math.log(1 + this.nEntities / Math.max(df, 1));
    if (CN_PLACE_WORDS.has(token.text)) return Math.min(idf, this.placeWeight);
    return GENERIC_WORDS.has(token.text) || this.countryNameWords.has(token.text) ? Math.min(idf, this.genericWeight) : idf;
  };

  get entityCount(): number {
    return this.nEntities;
  }

  get recordCount(): number {
    return this.recEntity.length;
  }

  /** The segment holding entity `e` (by entity) or record `id` (by record). */
  private segmentOf(x: number, byRecord: boolean): Segment {
    const segs = this.segments;
    const hit = (s: Segment) => (byRecord ? x >= s.recStart && x < s.recEnd : x >= s.entStart && x < s.entEnd);
    if (hit(segs[this.lastSegment]!)) return segs[this.lastSegment]!;
    for (let i = 0; i < segs.length; i++) {
      if (hit(segs[i]!)) {
        this.lastSegment = i;
        return segs[i]!;
      }
    }
    throw new RangeError(`no ${byRecord ? "record" : "entity"} ${x}`);
  }

  entity(e: number): ListedEntity {
    const seg = this.segmentOf(e, false);
    if (seg.entities) return seg.entities[e - seg.entStart]!;
    let entity = this.entityCache.get(e);
    if (!entity) {
      const i = e - seg.entStart;
      const offset = seg.offsets!.get(i);
      const end = i + 1 < seg.offsets!.length ? seg.offsets!.get(i + 1) : seg.file!.size;
      entity = Object.assign(seg.file!.read(offset, end - offset), { list: seg.list! });
      if (this.entityCache.size >= CACHE_SIZE) this.entityCache.clear();
      this.entityCache.set(e, entity);
    }
    return entity;
  }

  record(id: number): NameRecord {
    const seg = this.segmentOf(id, true);
    if (seg.records) return seg.records[id - seg.recStart]!;
    // a record of a file source: its entity read back and its names normalized again, which
    // gives its records again in the same order (normalizing is deterministic): this one is
    // the entity's n-th, n counted from the entity's first record
    const e = this.recEntity.get(id);
    let first = id;
    while (first > seg.recStart && this.recEntity.get(first - 1) === e) first--;
    let k = 0;
    for (const { name, form } of nameForms(this.entity(e))) {
      if (k++ === id - first) return { entity: e, name, form, tokens: this.tokens(id), runs: this.runs(id) };
    }
    throw new Error(`record ${id} is not among its entity's names: the list file changed`);
  }

  /** The entity a record names. */
  recordEntity(id: number): number {
    return this.recEntity.get(id);
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
    return this.legalSets[this.recLegal[id]!]!;
  }

  tokens(id: number): readonly CompTok[] {
    const seg = this.segmentOf(id, true);
    return seg.records ? seg.records[id - seg.recStart]!.tokens : this.decoded(id).tokens;
  }

  runs(id: number): readonly JoinedRun[] {
    const seg = this.segmentOf(id, true);
    return seg.records ? seg.records[id - seg.recStart]!.runs : this.decoded(id).runs;
  }

  /** A file record's tokens from the columns, and their joined runs. */
  private decoded(id: number): { tokens: readonly CompTok[]; runs: readonly JoinedRun[] } {
    let d = this.recordCache.get(id);
    if (!d) {
      const tokens: CompTok[] = [];
      for (let k = this.recTokStart.get(id), end = this.recTokStart.get(id + 1); k < end; k++) tokens.push(this.vocab.shapes[this.recToks[k]!]!);
      d = { tokens, runs: joinedRuns(tokens, false) };
      if (this.recordCache.size >= CACHE_SIZE) this.recordCache.clear();
      this.recordCache.set(id, d);
    }
    return d;
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

  /** Closes the list files the corpus reads entities from (it cannot report their candidates after). */
  close(): void {
    for (const f of this.files) f.close();
    closeFiles.unregister(this);
  }

  get size(): { entities: number; names: number; keys: number } {
    const s = this.index.size;
    return { entities: this.nEntities, names: this.recEntity.length, keys: s.tokenKeys + s.nameKeys };
  }
}

const PERSON = SCREEN_SCHEMAS.indexOf("person");
/** Records up to which each record's weight is kept rather than summed when asked (8 MB at the most). */
const WEIGHTS_KEPT_MAX = 1 << 20;

/**
 * The name records of an entity, in record order: each form of each of its names (the primary
 * name, then its aliases), less forms without tokens and forms whose tokens repeat an earlier one.
 */
function* nameForms(entity: ScreenEntity): Generator<{ name: EntityName; form: NameForm }> {
  const seen = new Set<string>();
  const person = entity.schema === "person";
  const names: EntityName[] = [{ name: entity.name, kind: "name" }, ...entity.aliases];
  for (const name of names) {
    for (const form of normalizeName(name.name, { person })) {
      const key = form.tokens.map((t) => t.text).join(" ");
      if (form.tokens.length === 0 || seen.has(key)) continue;
      seen.add(key);
      yield { name, form };
    }
  }
}
