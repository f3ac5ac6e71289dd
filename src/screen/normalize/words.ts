/**
 * @module
 * Word lists of the screening normalizer, as data: abbreviations clerks type ("Tech.", "Intl",
 * "Mfg"), words that carry no identity (stop words), words so common in company names that they
 * must not decide a match ("Trading", "International", "Group"), and the Chinese words of
 * company names with their English meaning (a Chinese name is segmented on them, and "技术"
 * meets "Technology").
 */

/** Folded abbreviation → the word it stands for (also folded). Applied to both sides of a comparison. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  tech: "technology", techn: "technology", technol: "technology", technlgy: "technology",
  intl: "international", internat: "international",
  natl: "national",
  mfg: "manufacturing", mfr: "manufacturer", manuf: "manufacturing",
  eng: "engineering", engg: "engineering", engr: "engineering",
  grp: "group",
  hldg: "holding", hldgs: "holdings",
  ind: "industries", inds: "industries", indus: "industries", industr: "industries",
  svc: "services", svcs: "services", serv: "services",
  sys: "systems", syst: "systems",
  elec: "electronics", electr: "electronics",
  comm: "communications", comms: "communications", commun: "communications", telecom: "telecommunications", telecoms: "telecommunications",
  lab: "laboratory", labs: "laboratories",
  univ: "university", inst: "institute",
  assn: "association", assoc: "association",
  bros: "brothers", dev: "development", devt: "development", mgmt: "management", mgt: "management",
  sci: "scientific", dept: "department",
  trdg: "trading", impex: "import export",
  dig: "digital", digi: "digital",
  chem: "chemical", pharm: "pharmaceutical", pharma: "pharmaceutical",
  equip: "equipment", eqpt: "equipment",
  govt: "government",
  ctr: "center", cntr: "center", centre: "center",
};

/**
 * Chinese words of company names written in pinyin ("Huawei Jishu Youxian Gongsi"): the English
 * word they mean, as CJK_WORDS gives it for the characters, so a romanized legal name meets the
 * English and the Chinese ones.
 */
export const PINYIN_WORDS: Readonly<Record<string, string>> = {
  jishu: "technology", keji: "technology", shuzi: "digital", tongxin: "communications", tongxun: "communications",
  dianxin: "telecommunications", dianzi: "electronics", xinxi: "information", ruanjian: "software", jituan: "group",
  konggu: "holdings", guoji: "international", shiye: "industrial", gongye: "industry", maoyi: "trading", yidong: "mobile",
  shebei: "equipment", zhineng: "intelligent", xitong: "systems", fuwu: "services",
};

/** Words dropped from organization names before comparing: they join words, they do not name anything. */
export const STOPWORDS: ReadonlySet<string> = new Set(["the", "and", "und", "et", "of", "for", "de", "del", "da", "du", "des", "di", "van", "von"]);

/**
 * Words common in company names everywhere: their weight is capped so that "Kaspersky" decides a
 * match, not "Lab" or "Technology". (Inverse document frequency over the lists does the same for
 * words the lists use a lot; this keeps it true when only a few lists are loaded.) Compared after
 * stemming, so singular forms are enough.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  "laboratory", "lab", "technology", "digital", "group", "holding", "international", "trading", "trade", "company",
  "system", "solution", "service", "industry", "industrial", "enterprise", "import", "export", "investment",
  "development", "engineering", "communication", "telecommunication", "electronic", "network", "software",
  "security", "information", "global", "general", "national", "science", "scientific", "research", "institute",
  "manufacturing", "product", "equipment", "commercial", "business", "management", "consulting", "partner",
  "bank", "finance", "financial", "capital", "energy", "logistic", "shipping", "transport", "new", "united",
  "first", "world", "asia", "pacific", "east", "west", "north", "south", "middle", "america", "american",
  "americas", "usa", "us", "uk", "europe", "european", "china", "chinese", "russia", "russian", "hong", "kong",
  "operation", "agency", "office", "center", "association", "foundation", "university", "state", "federal",
  "joint", "stock", "venture", "limited", "corporation", "incorporated",
  // regions subsidiaries are named for ("Kaspersky Lab Nordic", "... Iberia", "... Benelux")
  "nordic", "iberia", "benelux", "baltic", "balkan", "scandinavia", "eurasia", "emea", "apac", "latam", "dach", "mena",
]);

/**
 * Chinese words of company names: the English word they mean (a translation), or null for place
 * names and other words that stay as their pinyin. A Chinese name is segmented on these (the
 * longest first); the runs between them are names, read as one pinyin token ("华为" → "huawei").
 * Traditional and simplified spellings are both listed.
 */
export const CJK_WORDS: ReadonlyMap<string, string | null> = new Map<string, string | null>([
  ["技术", "technology"], ["技術", "technology"], ["科技", "technology"], ["数字", "digital"], ["數字", "digital"],
  ["通信", "communications"], ["通讯", "communications"], ["通訊", "communications"], ["电信", "telecommunications"],
  ["電信", "telecommunications"], ["电子", "electronics"], ["電子", "electronics"], ["信息", "information"],
  ["资讯", "information"], ["網絡", "network"], ["网络", "network"], ["软件", "software"], ["軟件", "software"],
  ["集团", "group"], ["集團", "group"], ["控股", "holdings"], ["国际", "international"], ["國際", "international"],
  ["实业", "industrial"], ["實業", "industrial"], ["工业", "industry"], ["工業", "industry"], ["贸易", "trading"],
  ["貿易", "trading"], ["进出口", "import export"], ["進出口", "import export"], ["移动", "mobile"], ["移動", "mobile"],
  ["联通", "unicom"], ["聯通", "unicom"], ["银行", "bank"], ["銀行", "bank"], ["实验室", "laboratory"],
  ["實驗室", "laboratory"], ["研究所", "research institute"], ["研究院", "research institute"], ["大学", "university"],
  ["大學", "university"], ["设备", "equipment"], ["設備", "equipment"], ["视频", "video"], ["視頻", "video"],
  ["安防", "security"], ["安全", "security"], ["航空", "aviation"], ["航天", "aerospace"], ["能源", "energy"],
  ["石油", "petroleum"], ["化工", "chemical"], ["物流", "logistics"], ["投资", "investment"], ["投資", "investment"],
  ["发展", "development"], ["發展", "development"], ["制造", "manufacturing"], ["製造", "manufacturing"],
  ["光电", "optoelectronics"], ["微电子", "microelectronics"], ["半导体", "semiconductor"], ["半導體", "semiconductor"],
  ["智能", "intelligent"], ["系统", "systems"], ["系統", "systems"], ["服务", "services"], ["服務", "services"],
  ["美洲", "americas"], ["中国", "china"], ["中國", "china"], ["美国", "usa"], ["美國", "usa"], ["俄罗斯", "russia"],
  ["香港", null], ["北京", null], ["上海", null], ["深圳", null], ["杭州", null], ["广州", null], ["廣州", null],
  ["重庆", null], ["重慶", null], ["天津", null], ["南京", null], ["武汉", null], ["成都", null], ["西安", null],
  ["浙江", null], ["江苏", null], ["广东", null], ["廣東", null], ["福建", null], ["山东", null], ["四川", null],
  ["湖北", null], ["厦门", null], ["苏州", null], ["无锡", null], ["青岛", null], ["大连", null], ["珠海", null],
  ["东莞", null], ["合肥", null], ["长沙", null],
]);
