import { createRequire } from 'node:module';

/**
 * Terminal width of a string, put in place of the `string-width` package inside the bundle
 * that bin/ runs (scripts/bundle.mjs aliases it for yargs, cliui and wrap-ansi only).
 *
 * Why: string-width builds an Intl.Segmenter and compiles large Unicode-property regexes when
 * it is loaded, ~30 ms of a cold start in which yargs only needs the width of our own,
 * mostly ASCII, help text. Printable ASCII is one column per character; anything else is
 * measured by the real package, loaded on first need (Node >= 20.19 can require() it).
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let full: ((text: string) => number) | undefined;

export default function stringWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  full ??= (createRequire(import.meta.url)('string-width') as { default: (text: string) => number }).default;
  return full(text);
}
