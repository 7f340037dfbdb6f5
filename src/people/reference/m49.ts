// UN M49 regions and sub-regions for every ISO 3166-1 alpha-2 country, and the UN lists of
// least developed countries (LDC), landlocked developing countries (LLDC) and small island
// developing states (SIDS).
//
// Sources (as of 2026-11, checked against the lists published at that date):
// - M49: UN Statistics Division, "Standard country or area codes for statistical use (M49)",
//   https://unstats.un.org/unsd/methodology/m49/ (sub-region level; Taiwan is placed in Eastern Asia
//   and Antarctica has no region, as in M49).
// - LDC: UN-OHRLLS / CDP list of 44 LDCs after the graduation of São Tomé and Príncipe (Dec 2024),
//   https://www.un.org/ohrlls/content/list-ldcs, with the graduation dates (past and scheduled) from
//   UN DESA / Committee for Development Policy, "LDC graduation",
//   https://www.un.org/development/desa/dpad/least-developed-country-category/ldc-graduation.html
//   — see LDC_GRADUATIONS below. LDC status therefore depends on a date: use `isLdcOn`.
// - LLDC: UN-OHRLLS list of 32 LLDCs, https://www.un.org/ohrlls/content/list-lldcs
// - SIDS: UN-OHRLLS list of 39 UN-member SIDS and 18+ associate members (both flagged),
//   https://www.un.org/ohrlls/content/list-sids

export const regions = ['africa', 'americas', 'asia', 'europe', 'oceania'] as const;
export type Region = (typeof regions)[number];

export const subRegions = {
  northern_africa: { region: 'africa', m49: '015', countries: 'DZ EG LY MA SD TN EH' },
  sub_saharan_africa: {
    region: 'africa',
    m49: '202',
    countries:
      'AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW ML MR MU YT MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS TG UG TZ ZM ZW IO TF',
  },
  latin_america_caribbean: {
    region: 'americas',
    m49: '419',
    countries:
      'AI AG AR AW BS BB BZ BO BQ BV BR VG KY CL CO CR CU CW DM DO EC SV FK GF GD GP GT GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF VC SX GS SR TT TC UY VE VI',
  },
  northern_america: { region: 'americas', m49: '021', countries: 'BM CA GL PM US' },
  central_asia: { region: 'asia', m49: '143', countries: 'KZ KG TJ TM UZ' },
  eastern_asia: { region: 'asia', m49: '030', countries: 'CN HK MO KP JP MN KR TW' },
  south_eastern_asia: { region: 'asia', m49: '035', countries: 'BN KH ID LA MY MM PH SG TH TL VN' },
  southern_asia: { region: 'asia', m49: '034', countries: 'AF BD BT IN IR MV NP PK LK' },
  western_asia: { region: 'asia', m49: '145', countries: 'AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE' },
  eastern_europe: { region: 'europe', m49: '151', countries: 'BY BG CZ HU PL MD RO RU SK UA' },
  northern_europe: { region: 'europe', m49: '154', countries: 'AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB' },
  southern_europe: { region: 'europe', m49: '039', countries: 'AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES' },
  western_europe: { region: 'europe', m49: '155', countries: 'AT BE FR DE LI LU MC NL CH' },
  australia_new_zealand: { region: 'oceania', m49: '053', countries: 'AU CX CC HM NZ NF' },
  melanesia: { region: 'oceania', m49: '054', countries: 'FJ NC PG SB VU' },
  micronesia: { region: 'oceania', m49: '057', countries: 'GU KI MH FM NR MP PW UM' },
  polynesia: { region: 'oceania', m49: '061', countries: 'AS CK PF NU PN WS TK TO TV WF' },
} as const satisfies Record<string, { region: Region; m49: string; countries: string }>;
export type SubRegion = keyof typeof subRegions;

/** Countries in no M49 region. */
const WITHOUT_REGION = ['AQ'];

/** Countries on the UN LDC list on 22 November 2026 (44), including those with a scheduled graduation. */
const LDC = `AO BJ BF BI CF TD KM CD DJ ER ET GM GN GW LS LR MG MW ML MR MZ NE RW SN SL SO SS SD TG UG TZ ZM
  AF BD KH LA MM NP TL YE HT KI SB TV`;

/**
 * The day each country stops being an LDC (graduation takes effect on that day), past and scheduled.
 * Source: UN DESA/CDP LDC graduation page (above), checked 22 November 2026.
 * - Bangladesh, Lao PDR and Nepal: 24 November 2026, five years after the General Assembly adopted
 *   draft resolution A/76/L.6/Rev.1 on 24 November 2021 (an exceptional five-year preparatory period;
 *   reported e.g. by Xinhua/The Nation Thailand, 25 Nov 2021, https://www.nationthailand.com/international/40009250).
 *   Pending (checked 2026-11-22, not applied): Bangladesh asked on 18 February 2026 to extend its
 *   preparatory period to 24 November 2029, and the CDP answered favourably on 1 June 2026
 *   (https://bdnews24.com/economy/a4d75a30f913); Nepal asked for a deferral as well. No General
 *   Assembly decision could be found; if one is adopted, change BD (and NP) here.
 * - Solomon Islands: 13 December 2027. Its graduation was first due on 13 December 2024; on
 *   25 August 2023 the General Assembly extended the preparatory period by three years
 *   (https://islandsbusiness.com/news-break/solomon-islands-granted-three-years-ldc-graduation-extension-by-un/;
 *   "extended to December 2027": https://islandsbusiness.com/news-break/navigating-waters-of-change-solomon-islands-ldc-graduation).
 *   The day (13th) follows from the original date plus three years; the sources found name the month.
 * - Graduated since 2007, kept so that activities before their graduation count them as LDCs:
 *   Cabo Verde 20 Dec 2007, Maldives 1 Jan 2011, Samoa 1 Jan 2014, Equatorial Guinea 4 Jun 2017,
 *   Vanuatu 4 Dec 2020, Bhutan 13 Dec 2023, São Tomé and Príncipe 13 Dec 2024.
 * Not modelled: dates of inclusion in the list (the last was South Sudan, 2012) — for dates before
 * 2012 South Sudan counts as an LDC — and graduations before 2007 (Botswana, 1994).
 */
export const LDC_GRADUATIONS: Readonly<Record<string, string>> = {
  CV: '2007-12-20',
  MV: '2011-01-01',
  WS: '2014-01-01',
  GQ: '2017-06-04',
  VU: '2020-12-04',
  BT: '2023-12-13',
  ST: '2024-12-13',
  BD: '2026-11-24',
  LA: '2026-11-24',
  NP: '2026-11-24',
  SB: '2027-12-13',
};
export const LDC_SOURCE = {
  list: 'https://www.un.org/ohrlls/content/list-ldcs',
  graduations: 'https://www.un.org/development/desa/dpad/least-developed-country-category/ldc-graduation.html',
  checked: '2026-11-22',
} as const;

const LLDC = `BW BF BI CF TD ET LS MW ML NE RW SS UG ZM ZW SZ AF AM AZ BT KZ KG LA MN NP TJ TM UZ MK MD BO PY`;
const SIDS = `AG BS BH BB BZ CV KM CU DM DO FJ GD GW GY HT JM KI MV MH FM MU NR PW PG WS ST SC SG SB KN LC VC SR TL TO TT TV VU
  AS AI AW BM VG KY CK CW PF GP GU MQ MS NC NU PR MP SX TC VI`;

const codes = (list: string) => new Set(list.split(/\s+/).filter((code) => code !== ''));
/** Every country that is, or was at some date since 2007, a least developed country. */
const ldcEverSet = new Set([...codes(LDC), ...Object.keys(LDC_GRADUATIONS)]);
const lldcSet = codes(LLDC);
const sidsSet = codes(SIDS);

export interface CountryInfo {
  code: string;
  region: Region | null;
  subRegion: SubRegion | null;
  /**
   * LDC membership is a matter of date (see isLdcOn): null when the country has not been an LDC
   * since 2007; otherwise the day it graduates (graduated), or '' while no graduation is scheduled.
   */
  ldcUntil: string | null;
  lldc: boolean;
  sids: boolean;
}

const countryTable = new Map<string, CountryInfo>();
for (const [subRegion, entry] of Object.entries(subRegions) as Array<[SubRegion, (typeof subRegions)[SubRegion]]>) {
  for (const code of codes(entry.countries)) {
    countryTable.set(code, {
      code,
      region: entry.region,
      subRegion,
      ldcUntil: ldcEverSet.has(code) ? (LDC_GRADUATIONS[code] ?? '') : null,
      lldc: lldcSet.has(code),
      sids: sidsSet.has(code),
    });
  }
}
for (const code of WITHOUT_REGION) countryTable.set(code, { code, region: null, subRegion: null, ldcUntil: null, lldc: false, sids: false });

/** The countries of an M49 region or sub-region (empty for an unknown name). */
export function countriesIn(regionOrSubRegion: string): string[] {
  return [...countryTable.values()].filter((info) => info.region === regionOrSubRegion || info.subRegion === regionOrSubRegion).map((info) => info.code);
}

/** Every ISO 3166-1 alpha-2 code, sorted. */
export const countryCodes: readonly string[] = [...countryTable.keys()].sort();

export function isCountryCode(value: string): boolean {
  return countryTable.has(value);
}

/** M49 and development-group facts about a country; undefined for an unknown code. */
export function countryInfo(code: string): CountryInfo | undefined {
  return countryTable.get(code.toUpperCase());
}

/**
 * Whether a country was on the UN list of least developed countries on a date (YYYY-MM-DD): a
 * graduating country stops being an LDC on its graduation day. For analytics, pass the date the
 * question is about — the activity's start date for enrolment-level counts — never "today" once
 * and stored: the same participant from Nepal is an LDC national in a 2025 workshop and not in a
 * 2027 one. The database has the same rule as `tracer_ldc_on(country, date)` (migration; a test
 * checks that both agree for every country).
 */
export function isLdcOn(code: string | null, date: string): boolean {
  if (!code) return false;
  const until = countryTable.get(code.toUpperCase())?.ldcUntil;
  if (until === null || until === undefined) return false;
  return until === '' || date < until;
}

/** Today's date (UTC) as YYYY-MM-DD. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The countries that were LDCs at some date since 2007, with their graduation day (null: none scheduled). */
export function ldcTimeline(): Array<{ code: string; graduated: string | null }> {
  return [...countryTable.values()].filter((info) => info.ldcUntil !== null).map((info) => ({ code: info.code, graduated: info.ldcUntil || null }));
}

const displayNames = new Map<string, Intl.DisplayNames>();
/** The country's name in a language, from the runtime's CLDR data. */
export function countryName(code: string, lang: string): string {
  let names = displayNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'region' });
    displayNames.set(lang, names);
  }
  return names.of(code) ?? code;
}
