/**
 * @module
 * Chinese province and city names as they prefix company names ("Hangzhou Hikvision ...",
 * "Zhejiang Dahua ...", "Shenzhen ..."): folded pinyin, the way both a Latin name and the
 * pinyin reading of a Chinese one (杭州 → hangzhou) end up. A Chinese company is registered
 * with its province or city in front of its name, and clerks, signers and lists write it with
 * or without that prefix, so the prefix must not decide a match: screening weighs these words
 * little, and the scan's publisher and signer look-ups also try a name without a leading one.
 * Geography, not catalog data: every province-level division and the large prefecture cities.
 */

/** Province-level divisions of the PRC (provinces, autonomous regions, municipalities, SARs). */
const PROVINCES = [
  "anhui", "beijing", "chongqing", "fujian", "gansu", "guangdong", "guangxi", "guizhou", "hainan", "hebei",
  "heilongjiang", "henan", "hubei", "hunan", "jiangsu", "jiangxi", "jilin", "liaoning", "neimenggu", "ningxia",
  "qinghai", "shaanxi", "shandong", "shanghai", "shanxi", "sichuan", "tianjin", "xinjiang", "xizang", "yunnan",
  "zhejiang",
];

/** Large cities that prefix company names (capitals and the big prefecture-level cities). */
const CITIES = [
  "baotou", "changchun", "changsha", "changzhou", "chengdu", "dalian", "dongguan", "foshan", "fuzhou", "guangzhou",
  "guiyang", "haerbin", "harbin", "haikou", "hangzhou", "hefei", "huizhou", "jinan", "jiaxing", "kunming",
  "lanzhou", "nanchang", "nanjing", "nanning", "ningbo", "qingdao", "quanzhou", "shantou", "shaoxing", "shenyang",
  "shenzhen", "shijiazhuang", "suzhou", "taiyuan", "taizhou", "tangshan", "urumqi", "wenzhou", "wuhan", "wuhu",
  "wuxi", "xiamen", "xian", "xining", "xuzhou", "yantai", "yinchuan", "zhengzhou", "zhongshan", "zhuhai",
];

/** Folded Chinese place words (provinces and large cities). */
export const CN_PLACE_WORDS: ReadonlySet<string> = new Set([...PROVINCES, ...CITIES]);

/**
 * Folded tokens without the leading place words ("hangzhou hikvision digital technology" →
 * "hikvision digital technology"), or undefined when the name does not start with one or would
 * be left with nothing.
 */
export function withoutPlacePrefix(tokens: readonly string[]): string[] | undefined {
  let i = 0;
  for (;;) {
    // one token ("hangzhou"), or two syllables as a general transliteration writes Han text ("hang zhou")
    const n = CN_PLACE_WORDS.has(tokens[i] ?? "") ? 1 : CN_PLACE_WORDS.has((tokens[i] ?? "") + (tokens[i + 1] ?? "")) ? 2 : 0;
    if (n === 0) break;
    i += n;
    // the administrative suffix after a place name: 市 (shi, city), 省 (sheng, province)
    if (tokens[i] === "shi" || tokens[i] === "sheng") i++;
  }
  return i === 0 || i >= tokens.length ? undefined : tokens.slice(i);
}
