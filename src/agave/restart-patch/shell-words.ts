/**
 * A small reader for the shell words of validator start scripts and systemd `ExecStart=` lines.
 * It is not a shell: it finds words with their exact byte offsets, so a patch can replace or
 * remove a word and leave every other byte alone. What it cannot follow (a heredoc inside the
 * command, an unquoted `$VAR` where a flag should be) is reported, and the caller refuses.
 */

export interface Word {
  /** Offsets into the file text: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The word as written, quotes included. */
  readonly raw: string;
  /** The word after quote removal, or null when it contains an expansion ($X, $(…), `…`). */
  readonly value: string | null;
  /** The whole word is one unquoted `$NAME` / `${NAME}`: word splitting may turn it into flags. */
  readonly bareExpansion: string | null;
  /** The whole word is `"${NAME[@]}"` (or unquoted): an array's elements, one word each. */
  readonly arrayExpansion: string | null;
  /** The word is only a backtick comment (`` `# note` ``), which expands to nothing. */
  readonly ignorable: boolean;
}

export interface SimpleCommand {
  readonly words: readonly Word[];
  /** `NAME=(…)` assignments in this command: the array's name and its element words. */
  readonly arrays: readonly ArrayLiteral[];
  /** `NAME+=(…)` seen: the array is built in several steps. */
  readonly appends: readonly string[];
  readonly start: number;
  readonly end: number;
  /** The command spans lines joined by a trailing backslash. */
  readonly continued: boolean;
  /** A heredoc (`<<`) starts in this command. */
  readonly heredoc: boolean;
}

export interface ArrayLiteral {
  readonly name: string;
  readonly words: readonly Word[];
  /** Offset of the closing parenthesis. */
  readonly close: number;
}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')']);
const SPACE = new Set([' ', '\t', '\r']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '{', '!', 'time']);

/** Every simple command of a bash script, in order, with heredoc bodies skipped. */
export function readScriptCommands(text: string): SimpleCommand[] {
  return new Reader(text, 'bash').commands(0, text.length);
}

/**
 * The words of one systemd `ExecStart=` value starting at `start`: continuation lines (ending in a
 * backslash) are joined, comment lines inside them skipped, as systemd does; it ends at the first
 * newline not escaped. `;` words separate several commands.
 */
export function readExecStartValue(text: string, start: number): SimpleCommand {
  const commands = new Reader(text, 'systemd').commands(start, text.length, true);
  const [first] = commands;
  if (commands.length !== 1 || first === undefined) return { words: [], arrays: [], appends: [], start, end: start, continued: false, heredoc: false };
  return first;
}

class Reader {
  private pos = 0;
  private pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(
    private readonly text: string,
    private readonly mode: 'bash' | 'systemd',
  ) {}

  commands(from: number, to: number, single = false): SimpleCommand[] {
    this.pos = from;
    const out: SimpleCommand[] = [];
    let words: Word[] = [];
    let arrays: ArrayLiteral[] = [];
    let appends: string[] = [];
    let start = -1;
    let continued = false;
    let heredoc = false;
    const flush = () => {
      if (words.length > 0 || arrays.length > 0) {
        const last = words.at(-1)?.end ?? arrays.at(-1)?.close ?? start;
        out.push({ words, arrays, appends, start, end: Math.max(last, start), continued, heredoc });
      }
      words = [];
      arrays = [];
      appends = [];
      start = -1;
      continued = false;
      heredoc = false;
    };
    const text = this.text;
    while (this.pos < to) {
      const c = text[this.pos] as string;
      if (SPACE.has(c)) {
        this.pos++;
        continue;
      }
      if (c === '\\' && text[this.pos + 1] === '\n') {
        this.pos += 2;
        continued = true;
        if (this.mode === 'systemd') this.skipSystemdCommentLines();
        continue;
      }
      if (c === '\n') {
        this.pos++;
        if (this.mode === 'systemd') break;
        flush();
        this.skipHeredocBodies();
        continue;
      }
      if (c === '#' && this.mode === 'bash') {
        this.skipToLineEnd();
        continue;
      }
      if (this.mode === 'bash' && OPERATOR_CHARS.has(c)) {
        // `NAME=(` is an array assignment; `<<` starts a heredoc (handled in readWord).
        this.pos++;
        if ((c === '&' || c === '|') && text[this.pos] === c) this.pos++;
        flush();
        continue;
      }
      if (this.mode === 'bash' && c === '<' && text[this.pos + 1] === '<' && text[this.pos + 2] !== '<') {
        this.readHeredocStart();
        heredoc = true;
        continue;
      }
      if (start < 0) start = this.pos;
      const assignment = this.mode === 'bash' ? /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=\(/.exec(text.slice(this.pos, this.pos + 200)) : null;
      if (assignment && words.length === 0) {
        const name = assignment[1] as string;
        if (assignment[2] === '+') appends.push(name);
        this.pos += assignment[0].length;
        const literal = this.readArray(name);
        arrays.push(literal);
        continue;
      }
      const word = this.readWord();
      // `if`, `then`, `do`…: what follows is a new command (`then ARGS+=(…)`).
      if (this.mode === 'bash' && words.length === 0 && word.value !== null && RESERVED.has(word.value)) {
        start = -1;
        continue;
      }
      words.push(word);
    }
    flush();
    if (single && out.length > 1) return out.slice(0, 1);
    return out;
  }

  private skipToLineEnd(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
  }

  /** systemd drops comment lines inside a continued ExecStart= (and blank lines end nothing). */
  private skipSystemdCommentLines(): void {
    for (;;) {
      let p = this.pos;
      while (p < this.text.length && SPACE.has(this.text[p] as string)) p++;
      const c = this.text[p];
      if (c !== '#' && c !== ';') return;
      while (p < this.text.length && this.text[p] !== '\n') p++;
      this.pos = p + 1;
    }
  }

  private readHeredocStart(): void {
    this.pos += 2;
    let stripTabs = false;
    if (this.text[this.pos] === '-') {
      stripTabs = true;
      this.pos++;
    }
    while (SPACE.has(this.text[this.pos] as string)) this.pos++;
    const word = this.readWord();
    this.pendingHeredocs.push({ delimiter: word.value ?? word.raw.replace(/['"\\]/g, ''), stripTabs });
  }

  private skipHeredocBodies(): void {
    while (this.pendingHeredocs.length > 0) {
      const { delimiter, stripTabs } = this.pendingHeredocs.shift() as { delimiter: string; stripTabs: boolean };
      while (this.pos < this.text.length) {
        let lineEnd = this.text.indexOf('\n', this.pos);
        if (lineEnd < 0) lineEnd = this.text.length;
        let line = this.text.slice(this.pos, lineEnd);
        if (stripTabs) line = line.replace(/^\t+/, '');
        this.pos = Math.min(lineEnd + 1, this.text.length);
        if (line === delimiter) break;
      }
    }
  }

  /** `NAME=(` … `)`: newlines and comments are allowed inside. */
  private readArray(name: string): ArrayLiteral {
    const words: Word[] = [];
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos] as string;
      if (SPACE.has(c) || c === '\n') {
        this.pos++;
        continue;
      }
      if (c === '\\' && text[this.pos + 1] === '\n') {
        this.pos += 2;
        continue;
      }
      if (c === '#') {
        this.skipToLineEnd();
        continue;
      }
      if (c === ')') {
        const close = this.pos;
        this.pos++;
        return { name, words, close };
      }
      words.push(this.readWord());
    }
    return { name, words, close: text.length };
  }

  private readWord(): Word {
    const text = this.text;
    const start = this.pos;
    let value = '';
    let literal = true;
    let quotedAnywhere = false;
    while (this.pos < text.length) {
      const c = text[this.pos] as string;
      if (SPACE.has(c) || c === '\n') break;
      if (this.mode === 'bash' && (OPERATOR_CHARS.has(c) || c === '<' || c === '>')) {
        if (this.pos === start && (c === '<' || c === '>')) {
          // A redirection operator is a word of its own (`2>&1`, `>>`); its target follows.
          while (this.pos < text.length && /[<>&0-9-]/.test(text[this.pos] as string)) this.pos++;
          literal = false;
        }
        break;
      }
      if (c === '\\') {
        if (text[this.pos + 1] === '\n') break;
        value += text[this.pos + 1] ?? '';
        this.pos += 2;
        continue;
      }
      if (c === "'") {
        quotedAnywhere = true;
        const close = text.indexOf("'", this.pos + 1);
        const end = close < 0 ? text.length : close;
        value += text.slice(this.pos + 1, end);
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        quotedAnywhere = true;
        this.pos++;
        while (this.pos < text.length && text[this.pos] !== '"') {
          const d = text[this.pos] as string;
          if (d === '\\' && this.pos + 1 < text.length) {
            const next = text[this.pos + 1] as string;
            value += '$`"\\\n'.includes(next) ? (next === '\n' ? '' : next) : `\\${next}`;
            this.pos += 2;
            continue;
          }
          if (d === '$' || d === '`') {
            literal = false;
            this.skipExpansion();
            continue;
          }
          value += d;
          this.pos++;
        }
        this.pos++;
        continue;
      }
      if (c === '$' || c === '`') {
        literal = false;
        this.skipExpansion();
        continue;
      }
      value += c;
      this.pos++;
    }
    const raw = text.slice(start, this.pos);
    const bare = !quotedAnywhere ? /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(raw) : null;
    const array = /^"?\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}"?$/.exec(raw);
    return {
      start,
      end: this.pos,
      raw,
      value: literal ? value : null,
      bareExpansion: bare ? ((bare[1] ?? bare[2]) as string) : null,
      arrayExpansion: array ? (array[1] as string) : null,
      ignorable: /^`\s*#[^`]*`$/.test(raw),
    };
  }

  /** Skips `$NAME`, `${…}`, `$(…)`, `$((…))`, `$'…'` or a backtick substitution. */
  private skipExpansion(): void {
    const text = this.text;
    const c = text[this.pos];
    if (c === '`') {
      const close = text.indexOf('`', this.pos + 1);
      this.pos = close < 0 ? text.length : close + 1;
      return;
    }
    const next = text[this.pos + 1];
    if (next === '{' || next === '(') {
      const open = next;
      const closeChar = open === '{' ? '}' : ')';
      let depth = 0;
      this.pos++;
      while (this.pos < text.length) {
        const d = text[this.pos];
        if (d === "'" && open === '(') {
          const close = text.indexOf("'", this.pos + 1);
          this.pos = close < 0 ? text.length : close + 1;
          continue;
        }
        if (d === '\\') {
          this.pos += 2;
          continue;
        }
        if (d === open) depth++;
        else if (d === closeChar) {
          depth--;
          if (depth === 0) {
            this.pos++;
            return;
          }
        }
        this.pos++;
      }
      return;
    }
    if (next === "'") {
      const close = text.indexOf("'", this.pos + 2);
      this.pos = close < 0 ? text.length : close + 1;
      return;
    }
    this.pos++;
    const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(this.pos, this.pos + 100));
    if (name) this.pos += name[0].length;
  }
}
