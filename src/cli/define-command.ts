import type { CliContext } from './context.js';

/**
 * Commands as data (wrangler's `createCommand`): the options are a plain object, and the type
 * of the `args` a handler receives is computed from it, so flags and args cannot drift apart
 * and every default is stated once, here. Only `register.ts` turns these into yargs calls.
 *
 * ```ts
 * // commands/plan.ts
 * export const planOptions = defineOptions({
 *   ...ledgerFolderOptions,                       // shared groups are spread in
 *   slot: { alias: 'x', type: 'string', demandOption: true, describe: 'The restart slot X' },
 *   'bounds-from': { choices: ['native', 'ledger-tool'], default: 'native', describe: '…' },
 *   'ledger-tool-timeout': { type: 'seconds', default: 300, describe: '…' },
 * });
 * export type PlanArgs = ArgsOf<typeof planOptions>;   // { slot: string; boundsFrom: …; ledgerToolTimeout: number; ledger: string; snapshots?: string; … }
 * export const planCommand = defineCommand({
 *   name: 'plan', describe: '…', options: planOptions,
 *   handler: async () => (await import("./plan-handler.js")).planHandler,   // loaded only when plan runs
 * });
 * ```
 *
 * - **Adding an option** is one line in the `options` object. The keys are yargs' own
 *   (`type`, `alias`, `default`, `describe`, `choices`, `demandOption`, `array`, `group`,
 *   `hidden`), so `.option('name', {…})` from a yargs builder becomes `name: {…},`.
 * - **Types** (`type`): `string`; `path` (a string that must not be empty, e.g. `--ledger ""`
 *   is refused); `boolean`; `number`, `integer` (with optional `min`/`max`) and `seconds`
 *   (positive, or ≥ 0 when `zero` says what 0 means), each parsed strictly from the text
 *   given, so `--keep abc` is refused naming "abc" instead of becoming NaN; or `choices`.
 *   All of this is checked while parsing, in one place (register.ts), before any handler runs.
 * - **Args**: keys are camelCase (`ledger-tool-timeout` → `ledgerToolTimeout`); an option
 *   with a `default`, `demandOption: true` or `array: true` (default `[]`) is always present,
 *   any other may be `undefined`.
 * - **Repeated flags**: a repeatable option (`array: true`) collects every value; a boolean
 *   takes the last (`--restart --no-restart`); any other option given twice with the same
 *   value is fine, with different values it is refused (exit 2) naming both, since picking
 *   one of two restart slots or ledgers silently is how the wrong one gets used.
 * - **Positionals** are listed in command-line order (`volume-snapshot <kind> <chain>`), and
 *   are all required.
 * - `passThrough` (a sentence for the help) makes the words after `--` reach the handler as
 *   `args['--']` (a `string[]`).
 * - `check` runs after parsing for rules across flags; it throws a UserError.
 * - **Subcommands** (`snapplan k8s snapshot`): `defineGroup({ name, describe, subcommands })`;
 *   the group alone prints its subcommands.
 * - Handlers are loaded lazily (`handler: async () => (await import(…)).fn`): scripts/bundle.mjs
 *   makes each such module its own entry, so `plan` never loads another command's code.
 */

/** How an option's text is read. */
export type OptionType = 'string' | 'path' | 'boolean' | 'number' | 'integer' | 'seconds';

export interface OptionSpec {
  /** Absent when `choices` is given. */
  readonly type?: OptionType;
  readonly choices?: readonly string[];
  /** Repeatable: every value is collected (default `[]`). Strings only. */
  readonly array?: boolean;
  readonly alias?: string;
  readonly default?: string | number | boolean;
  readonly demandOption?: boolean;
  readonly describe: string;
  readonly group?: string;
  readonly hidden?: boolean;
  /** `number` / `integer`: the smallest and largest value accepted. */
  readonly min?: number;
  readonly max?: number;
  /** `seconds`: 0 is accepted and means this (e.g. 'no limit'); otherwise 0 is refused. */
  readonly zero?: string;
}

export interface PositionalSpec {
  readonly type?: 'string' | 'path';
  readonly choices?: readonly string[];
  readonly describe: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;
export type PositionalSpecs = Readonly<Record<string, PositionalSpec>>;

type Scalar<S> = S extends { readonly choices: readonly (infer C)[] }
  ? C
  : S extends { readonly type: 'boolean' }
    ? boolean
    : S extends { readonly type: 'number' | 'integer' | 'seconds' }
      ? number
      : string;
type ValueOf<S> = S extends { readonly array: true } ? Scalar<S>[] : Scalar<S>;
type AlwaysPresent<S> = S extends { readonly array: true } ? true : S extends { readonly demandOption: true } ? true : S extends { readonly default: string | number | boolean } ? true : false;
/** `ledger-tool-timeout` → `ledgerToolTimeout`, as yargs spells the keys it adds. */
export type CamelCase<K extends string> = K extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : K;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The args a handler receives for these options (and positionals). */
export type ArgsOf<O extends OptionSpecs, P extends PositionalSpecs = Record<never, never>> = Flatten<
  { readonly [K in keyof O & string as AlwaysPresent<O[K]> extends true ? CamelCase<K> : never]: ValueOf<O[K]> } & {
    readonly [K in keyof O & string as AlwaysPresent<O[K]> extends true ? never : CamelCase<K>]?: ValueOf<O[K]> | undefined;
  } & { readonly [K in keyof P & string as CamelCase<K>]: Scalar<P[K]> }
>;

/** The args that have a default (or are repeatable, default `[]`). */
export type Defaults<O extends OptionSpecs> = Flatten<{
  readonly [K in keyof O & string as O[K] extends { readonly array: true } | { readonly default: string | number | boolean } ? CamelCase<K> : never]: ValueOf<O[K]>;
}>;

/** Adds the words after `--`, for commands with `passThrough`. */
export type WithPassThrough<A> = A & { readonly '--': string[] };

export type Handler<A> = (args: A, ctx: CliContext) => Promise<number>;

export interface CommandDefinition<A = never> {
  readonly kind?: 'command';
  /** One word; positionals follow from `positionals`. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  readonly positionals?: PositionalSpecs;
  readonly options: OptionSpecs;
  readonly passThrough?: string;
  readonly examples?: readonly (readonly [string, string])[];
  readonly epilogue?: string;
  readonly check?: (args: A) => void;
  /** Loaded lazily so that `plan` never pays for what other commands import. */
  readonly handler: () => Promise<Handler<A>>;
}

export interface CommandGroup {
  readonly kind: 'group';
  readonly name: string;
  readonly describe: string;
  readonly subcommands: readonly CommandDefinition[];
}

export type CommandEntry = CommandDefinition | CommandGroup;

/** Keeps the literal types of the options (choices, `demandOption: true`) for ArgsOf. */
export function defineOptions<const O extends OptionSpecs>(options: O): O {
  return options;
}

export function definePositionals<const P extends PositionalSpecs>(positionals: P): P {
  return positionals;
}

export function defineCommand<const O extends OptionSpecs, const P extends PositionalSpecs = Record<never, never>>(
  definition: Omit<CommandDefinition<ArgsOf<O, P>>, 'options' | 'positionals' | 'handler' | 'check' | 'kind'> & {
    readonly options: O;
    readonly positionals?: P;
    readonly check?: (args: ArgsOf<O, P>) => void;
    readonly handler: () => Promise<Handler<ArgsOf<O, P>> | Handler<WithPassThrough<ArgsOf<O, P>>>>;
  },
): CommandDefinition {
  return { kind: 'command', ...definition };
}

export function defineGroup(group: Omit<CommandGroup, 'kind'>): CommandGroup {
  return { kind: 'group', ...group };
}

/**
 * The args every option's default gives, for code that calls a handler itself (the app
 * without a command, `undo` on a k8s journal): the defaults stay stated once, in the options.
 */
export function defaultArgs<O extends OptionSpecs>(options: O): Defaults<O> {
  const args: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(options)) {
    const camel = camelCase(key);
    if (spec.array) args[camel] = [];
    else if (spec.default !== undefined) args[camel] = spec.default;
  }
  return args as Defaults<O>;
}

/** `ledger-tool-timeout` → `ledgerToolTimeout` (CamelCase at run time). */
export function camelCase(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
