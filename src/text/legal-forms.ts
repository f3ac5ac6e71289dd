/**
 * @module
 * Legal forms as data, per language: the words a company name carries to say what kind of legal
 * person it is ("AO", "ООО", "GmbH", "Co., Ltd.", "有限公司"). Screening drops them from the name
 * before comparing (they say nothing about *which* company it is) and reports what it dropped.
 *
 * Forms are written as people write them, in their own script; the screening normalizer folds
 * each through the same steps as the names it screens (transliteration, case, punctuation), so
 * "Общество с ограниченной ответственностью" also catches its Latin spellings under every
 * transliteration scheme. `edge` marks short forms that are also ordinary words or initials
 * ("AS", "Co", "SA", "KK"): they are dropped only at the start or end of a name, never inside it.
 */

export type LegalFormClass =
  | "limited-liability" // LLC, OOO, GmbH, Ltd, SARL, s.r.o. ...
  | "joint-stock" // JSC, AO, AG, S.A., plc, KK ...
  | "corporation" // Inc, Corp
  | "partnership" // LP, LLP, KG, OHG
  | "company" // Co., Company, 公司: an undifferentiated "company"
  | "state-enterprise" // FGUP, GUP, state unitary enterprise
  | "sole-proprietor" // IP, individual entrepreneur
  | "other";

export type LegalForm = {
  /** ISO 639-1 language (or `intl` for forms used across languages). */
  lang: string;
  /** The spellings, in the language's own script. Dots and spaces do not matter. */
  forms: readonly string[];
  class: LegalFormClass;
  /** What the form means, for explanations. */
  meaning: string;
  /** Dropped only at the start or the end of a name (the form is also a common word or initials). */
  edge?: boolean;
};

export const LEGAL_FORMS: readonly LegalForm[] = [
  // --- English and international ---
  { lang: "en", forms: ["Limited", "Ltd", "Ltd."], class: "limited-liability", meaning: "limited company" },
  { lang: "en", forms: ["Co. Ltd", "Co., Ltd.", "Company Limited", "Co Limited"], class: "limited-liability", meaning: "company limited" },
  { lang: "en", forms: ["Limited Liability Company", "LLC", "L.L.C.", "Limited Liability Co"], class: "limited-liability", meaning: "limited liability company" },
  { lang: "en", forms: ["Limited Liability Partnership", "LLP", "L.L.P."], class: "partnership", meaning: "limited liability partnership" },
  { lang: "en", forms: ["Limited Partnership", "LP", "L.P."], class: "partnership", meaning: "limited partnership", edge: true },
  { lang: "en", forms: ["Public Limited Company", "PLC", "P.L.C."], class: "joint-stock", meaning: "public limited company" },
  { lang: "en", forms: ["Pty Ltd", "Pty. Ltd.", "Proprietary Limited", "Pty"], class: "limited-liability", meaning: "proprietary limited company" },
  { lang: "en", forms: ["Pvt Ltd", "Pvt. Ltd.", "Private Limited", "Pvt", "Pte Ltd", "Pte. Ltd.", "Pte"], class: "limited-liability", meaning: "private limited company" },
  { lang: "en", forms: ["Incorporated", "Inc", "Inc."], class: "corporation", meaning: "incorporated" },
  { lang: "en", forms: ["Corporation", "Corp", "Corp."], class: "corporation", meaning: "corporation" },
  { lang: "en", forms: ["Company", "Co", "Co."], class: "company", meaning: "company", edge: true },
  { lang: "en", forms: ["Joint Stock Company", "JSC", "J.S.C.", "Joint-Stock Company", "Joint Stock Co"], class: "joint-stock", meaning: "joint-stock company" },
  { lang: "en", forms: ["Closed Joint Stock Company", "CJSC", "C.J.S.C.", "Closed Joint-Stock Company"], class: "joint-stock", meaning: "closed joint-stock company" },
  { lang: "en", forms: ["Open Joint Stock Company", "OJSC", "O.J.S.C.", "Open Joint-Stock Company"], class: "joint-stock", meaning: "open joint-stock company" },
  { lang: "en", forms: ["Public Joint Stock Company", "PJSC", "P.J.S.C.", "Public Joint-Stock Company", "PJS", "P.J.S."], class: "joint-stock", meaning: "public joint-stock company" },
  { lang: "en", forms: ["Private Joint Stock Company", "Private Joint-Stock Company"], class: "joint-stock", meaning: "private joint-stock company" },
  { lang: "en", forms: ["Federal State Unitary Enterprise", "State Unitary Enterprise", "Unitary Enterprise"], class: "state-enterprise", meaning: "state unitary enterprise" },
  // --- Russian ---
  { lang: "ru", forms: ["ООО", "Общество с ограниченной ответственностью"], class: "limited-liability", meaning: "limited liability company (OOO)" },
  { lang: "ru", forms: ["АО", "Акционерное общество"], class: "joint-stock", meaning: "joint-stock company (AO)", edge: true },
  { lang: "ru", forms: ["ЗАО", "Закрытое акционерное общество"], class: "joint-stock", meaning: "closed joint-stock company (ZAO)" },
  { lang: "ru", forms: ["ОАО", "Открытое акционерное общество"], class: "joint-stock", meaning: "open joint-stock company (OAO)" },
  { lang: "ru", forms: ["ПАО", "Публичное акционерное общество"], class: "joint-stock", meaning: "public joint-stock company (PAO)" },
  { lang: "ru", forms: ["НАО", "Непубличное акционерное общество"], class: "joint-stock", meaning: "non-public joint-stock company (NAO)", edge: true },
  { lang: "ru", forms: ["ФГУП", "Федеральное государственное унитарное предприятие"], class: "state-enterprise", meaning: "federal state unitary enterprise (FGUP)" },
  { lang: "ru", forms: ["ГУП", "Государственное унитарное предприятие"], class: "state-enterprise", meaning: "state unitary enterprise (GUP)" },
  { lang: "ru", forms: ["МУП", "Муниципальное унитарное предприятие"], class: "state-enterprise", meaning: "municipal unitary enterprise (MUP)" },
  { lang: "ru", forms: ["ИП", "Индивидуальный предприниматель"], class: "sole-proprietor", meaning: "individual entrepreneur (IP)", edge: true },
  { lang: "ru", forms: ["АНО", "Автономная некоммерческая организация"], class: "other", meaning: "autonomous non-profit organization (ANO)", edge: true },
  // --- Ukrainian, Belarusian, Kazakh ---
  { lang: "uk", forms: ["ТОВ", "Товариство з обмеженою відповідальністю"], class: "limited-liability", meaning: "limited liability company (TOV)" },
  { lang: "uk", forms: ["ПАТ", "Публічне акціонерне товариство"], class: "joint-stock", meaning: "public joint-stock company (PAT)" },
  { lang: "uk", forms: ["ПрАТ", "Приватне акціонерне товариство"], class: "joint-stock", meaning: "private joint-stock company (PrAT)" },
  { lang: "uk", forms: ["АТ", "Акціонерне товариство"], class: "joint-stock", meaning: "joint-stock company (AT)", edge: true },
  { lang: "be", forms: ["ТАА", "Таварыства з абмежаванай адказнасцю"], class: "limited-liability", meaning: "limited liability company (TAA)" },
  { lang: "be", forms: ["ААТ", "Адкрытае акцыянернае таварыства"], class: "joint-stock", meaning: "open joint-stock company (AAT)" },
  { lang: "be", forms: ["ЗАТ", "Закрытае акцыянернае таварыства"], class: "joint-stock", meaning: "closed joint-stock company (ZAT)" },
  { lang: "kk", forms: ["ТОО", "Товарищество с ограниченной ответственностью"], class: "limited-liability", meaning: "limited liability partnership (TOO)" },
  // --- German ---
  { lang: "de", forms: ["GmbH", "Gesellschaft mit beschränkter Haftung", "mbH"], class: "limited-liability", meaning: "limited liability company (GmbH)" },
  { lang: "de", forms: ["GmbH & Co. KG", "GmbH & Co KG"], class: "partnership", meaning: "limited partnership with a GmbH partner" },
  { lang: "de", forms: ["AG", "Aktiengesellschaft"], class: "joint-stock", meaning: "stock corporation (AG)", edge: true },
  { lang: "de", forms: ["KG", "Kommanditgesellschaft", "OHG", "Offene Handelsgesellschaft"], class: "partnership", meaning: "partnership (KG/OHG)", edge: true },
  { lang: "de", forms: ["UG", "UG (haftungsbeschränkt)"], class: "limited-liability", meaning: "entrepreneurial company (UG)", edge: true },
  { lang: "de", forms: ["e.V.", "eingetragener Verein"], class: "other", meaning: "registered association (e.V.)", edge: true },
  // --- French, Spanish, Portuguese, Italian ---
  { lang: "fr", forms: ["S.A.", "SA", "Société Anonyme", "Sociedad Anónima", "Sociedade Anónima"], class: "joint-stock", meaning: "public limited company (S.A.)", edge: true },
  { lang: "fr", forms: ["SARL", "S.A.R.L.", "S.à r.l.", "Société à responsabilité limitée"], class: "limited-liability", meaning: "limited liability company (SARL)" },
  { lang: "fr", forms: ["SAS", "S.A.S.", "SASU", "Société par actions simplifiée"], class: "joint-stock", meaning: "simplified joint-stock company (SAS)", edge: true },
  { lang: "fr", forms: ["EURL", "SNC", "S.A.L.", "SAL"], class: "other", meaning: "French/Lebanese company form", edge: true },
  { lang: "es", forms: ["S.L.", "SL", "Sociedad Limitada", "S.R.L.", "SRL", "Sociedad de Responsabilidad Limitada", "S. de R.L.", "S. de R.L. de C.V."], class: "limited-liability", meaning: "limited liability company (S.L./S.R.L.)", edge: true },
  { lang: "es", forms: ["S.A. de C.V.", "SA de CV", "S.A.P.I. de C.V.", "S.A.C.", "S.A.A."], class: "joint-stock", meaning: "stock company (S.A. de C.V.)" },
  { lang: "pt", forms: ["Ltda", "Ltda.", "Limitada"], class: "limited-liability", meaning: "limited company (Ltda)" },
  { lang: "it", forms: ["S.p.A.", "SpA", "Società per azioni"], class: "joint-stock", meaning: "joint-stock company (S.p.A.)" },
  { lang: "it", forms: ["S.r.l.", "Società a responsabilità limitata", "S.a.s."], class: "limited-liability", meaning: "limited liability company (S.r.l.)" },
  // --- Dutch, Nordic ---
  { lang: "nl", forms: ["B.V.", "BV", "Besloten vennootschap"], class: "limited-liability", meaning: "private limited company (B.V.)", edge: true },
  { lang: "nl", forms: ["N.V.", "NV", "Naamloze vennootschap"], class: "joint-stock", meaning: "public limited company (N.V.)", edge: true },
  { lang: "sv", forms: ["AB", "Aktiebolag", "Aktiebolaget"], class: "joint-stock", meaning: "limited company (AB)", edge: true },
  { lang: "no", forms: ["AS", "A/S", "ASA", "Aksjeselskap", "ApS", "Anpartsselskab", "Aktieselskab"], class: "joint-stock", meaning: "limited company (AS/A/S/ApS)", edge: true },
  { lang: "fi", forms: ["Oy", "Oyj", "Osakeyhtiö"], class: "joint-stock", meaning: "limited company (Oy)", edge: true },
  // --- Central and Eastern Europe, Turkey ---
  { lang: "pl", forms: ["Sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością", "Sp. z o. o."], class: "limited-liability", meaning: "limited liability company (Sp. z o.o.)" },
  { lang: "pl", forms: ["S.A.", "Spółka Akcyjna"], class: "joint-stock", meaning: "joint-stock company (S.A.)", edge: true },
  { lang: "cs", forms: ["s.r.o.", "spol. s r.o.", "společnost s ručením omezeným"], class: "limited-liability", meaning: "limited liability company (s.r.o.)" },
  { lang: "cs", forms: ["a.s.", "akciová společnost"], class: "joint-stock", meaning: "joint-stock company (a.s.)", edge: true },
  { lang: "hu", forms: ["Kft.", "Kft", "Zrt.", "Zrt", "Nyrt.", "Nyrt", "Bt."], class: "limited-liability", meaning: "Hungarian company form (Kft./Zrt.)" },
  { lang: "ro", forms: ["S.C.", "SC"], class: "company", meaning: "commercial company (S.C.)", edge: true },
  { lang: "tr", forms: ["A.Ş.", "AŞ", "Anonim Şirketi", "Ltd. Şti.", "Limited Şirketi", "Şti."], class: "joint-stock", meaning: "Turkish company form (A.Ş./Ltd. Şti.)" },
  // --- Middle East and Gulf ---
  { lang: "ar", forms: ["FZE", "FZCO", "FZ-LLC", "FZC", "W.L.L.", "WLL", "SAOG", "SAOC", "P.S.C.", "PSC"], class: "limited-liability", meaning: "Gulf company form (FZE/WLL/SAOG)" },
  { lang: "fa", forms: ["Sherkat", "Sherkate", "Sahami Khass", "Sahami Aam", "Sherkat Sahami Khass"], class: "joint-stock", meaning: "Iranian company form (Sherkat Sahami Khass)", edge: true },
  // --- Chinese, Japanese, Korean ---
  { lang: "zh", forms: ["股份有限公司", "股份有限責任公司", "Gufen Youxian Gongsi"], class: "joint-stock", meaning: "company limited by shares (股份有限公司)" },
  { lang: "zh", forms: ["有限责任公司", "有限責任公司", "Youxian Zeren Gongsi"], class: "limited-liability", meaning: "limited liability company (有限责任公司)" },
  { lang: "zh", forms: ["有限公司", "Youxian Gongsi"], class: "limited-liability", meaning: "company limited (有限公司)" },
  { lang: "zh", forms: ["公司", "股份公司"], class: "company", meaning: "company (公司)" },
  { lang: "zh", forms: ["Gongsi"], class: "company", meaning: "company (公司, gongsi)", edge: true },
  { lang: "ja", forms: ["株式会社", "Kabushiki Kaisha", "K.K.", "KK", "Kabushikigaisha"], class: "joint-stock", meaning: "stock company (株式会社, K.K.)", edge: true },
  { lang: "ja", forms: ["有限会社", "Yugen Kaisha", "Y.K.", "合同会社", "Godo Kaisha", "G.K."], class: "limited-liability", meaning: "limited company (有限会社/合同会社)", edge: true },
  { lang: "ko", forms: ["주식회사", "Jusik Hoesa", "Chusik Hoesa"], class: "joint-stock", meaning: "stock company (주식회사)" },
];

/**
 * The single words the scan's publisher matcher (src/text/fold.ts, `normalizeOrgName`)
 * drops wherever they stand. The scan matches publisher strings by equality after this step, so
 * this set is kept exactly as the scan has always used it: widening it would change what the
 * scan matches. Screening uses the richer, position-aware table above.
 */
export const PUBLISHER_LEGAL_FORMS: ReadonlySet<string> = new Set([
  "ao", "zao", "oao", "ooo", "pao", "jsc", "cjsc", "ojsc", "pjsc", "llc", "ltd", "limited", "inc",
  "incorporated", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "s", "a", "plc", "llp",
  "lp", "bv", "nv", "srl", "spa", "kk", "oy", "ab", "as", "the",
]);
