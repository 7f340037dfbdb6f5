// Shared settings for the property-based and fuzz tests (fast-check). CI runs a short pass; the
// long pass runs in `npm run bench fuzz` (FUZZ_RUNS sets the count). A failure prints the seed
// and the shrunk counterexample, and FUZZ_SEED replays it.
import type { Parameters } from 'fast-check';

export function fuzzParameters<T>(defaultRuns: number): Parameters<T> {
  const runs = Number(process.env.FUZZ_RUNS ?? defaultRuns);
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true };
}

/** Text that looks like what people and tools really put in cells and fields, hostile bits included. */
export const HOSTILE_SNIPPETS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; drop table participants; --",
  '=HYPERLINK("http://evil.example","x")',
  '${name}',
  '\u0000',
  '\uFEFF',
  '\r\n',
  'é à ü ñ ç',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀',
  '"quoted, with comma"',
  ' ',
  '',
  '9'.repeat(400),
];
