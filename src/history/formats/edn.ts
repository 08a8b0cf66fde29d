/**
 * A parser for the subset of EDN (extensible data notation, Clojure's data syntax) that Jepsen
 * histories use: `nil`, booleans, integers and decimals, strings, keywords, symbols, vectors,
 * lists, maps and sets, with `;` comments, commas as whitespace, `#_` discard, and tagged
 * literals (`#inst "..."`) read as their value. Characters (`\a`) are not supported.
 *
 * @module
 */

/** An EDN keyword such as `:invoke`. Interned: `Keyword.of('ok') === Keyword.of('ok')`, so keywords work as `Map` keys. */
export class Keyword {
  private static readonly interned = new Map<string, Keyword>();
  /** The name without the colon. */
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** The keyword named `name` (no colon). */
  static of(name: string): Keyword {
    let keyword = Keyword.interned.get(name);
    if (keyword === undefined) {
      keyword = new Keyword(name);
      Keyword.interned.set(name, keyword);
    }
    return keyword;
  }

  toString(): string {
    return `:${this.name}`;
  }
}

/** An EDN symbol such as `foo/bar`. */
export class EdnSymbol {
  constructor(readonly name: string) {}

  toString(): string {
    return this.name;
  }
}

/** A value read from EDN. Vectors and lists are both arrays. */
export type EdnValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Keyword
  | EdnSymbol
  | EdnValue[]
  | Map<EdnValue, EdnValue>
  | Set<EdnValue>;

/** A syntax error, with the 0-based character offset where it was found. */
export class EdnSyntaxError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly problem: string,
    readonly offset: number,
  ) {
    super(`${problem} at column ${offset + 1}`);
    this.name = 'EdnSyntaxError';
  }
}

const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?[NM]?$/;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 44 || code === 9 || code === 10 || code === 13 || code === 12;
}

/** True for the characters that end an atom: blanks (commas included) and `()[]{}";`. */
function endsAtom(code: number): boolean {
  switch (code) {
    case 32: // space
    case 44: // ,
    case 9:
    case 10:
    case 13:
    case 12:
    case 40: // (
    case 41: // )
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 34: // "
    case 59: // ;
      return true;
    default:
      return false;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

class Reader {
  offset = 0;

  constructor(private readonly text: string) {}

  skipBlank(): void {
    const text = this.text;
    while (this.offset < text.length) {
      const code = text.charCodeAt(this.offset);
      if (isWhitespace(code)) this.offset++;
      else if (code === 59 /* ; */) {
        while (this.offset < text.length && text.charCodeAt(this.offset) !== 10) this.offset++;
      } else break;
    }
  }

  atEnd(): boolean {
    this.skipBlank();
    return this.offset >= this.text.length;
  }

  read(): EdnValue {
    this.skipBlank();
    const text = this.text;
    if (this.offset >= text.length) throw new EdnSyntaxError('unexpected end of input', this.offset);
    const char = text[this.offset] as string;
    switch (char) {
      case '{':
        return this.readMap();
      case '[':
        this.offset++;
        return this.readSequence(']');
      case '(':
        this.offset++;
        return this.readSequence(')');
      case '"':
        return this.readString();
      case '#':
        return this.readDispatch();
      case ')':
      case ']':
      case '}':
        throw new EdnSyntaxError(`unexpected "${char}"`, this.offset);
      case '\\':
        throw new EdnSyntaxError('character literals are not supported', this.offset);
      default:
        return this.readAtom();
    }
  }

  private readSequence(close: string): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.offset >= this.text.length) throw new EdnSyntaxError(`missing "${close}"`, this.offset);
      if (this.text[this.offset] === close) {
        this.offset++;
        return items;
      }
      items.push(this.read());
    }
  }

  private readMap(): Map<EdnValue, EdnValue> {
    const start = this.offset;
    this.offset++;
    const map = new Map<EdnValue, EdnValue>();
    for (;;) {
      this.skipBlank();
      if (this.offset >= this.text.length) throw new EdnSyntaxError('missing "}"', this.offset);
      if (this.text.charCodeAt(this.offset) === 125 /* } */) {
        this.offset++;
        return map;
      }
      const key = this.read();
      this.skipBlank();
      if (this.text.charCodeAt(this.offset) === 125 /* } */)
        throw new EdnSyntaxError('a map needs an even number of forms', start);
      map.set(key, this.read());
    }
  }

  private readDispatch(): EdnValue {
    const start = this.offset;
    const next = this.text[this.offset + 1];
    if (next === '{') {
      this.offset += 2;
      return new Set(this.readSequence('}'));
    }
    if (next === '_') {
      this.offset += 2;
      this.read();
      return this.read();
    }
    this.offset++;
    const tag = this.readAtom();
    if (!(tag instanceof EdnSymbol)) throw new EdnSyntaxError('a tag must be a symbol', start);
    // Tagged literals (#inst, #uuid, ...) are read as the value they tag.
    return this.read();
  }

  private readString(): string {
    const text = this.text;
    const start = this.offset;
    let i = start + 1;
    // Fast path: no escapes.
    const close = text.indexOf('"', i);
    const backslash = text.indexOf('\\', i);
    if (close >= 0 && (backslash < 0 || backslash > close)) {
      this.offset = close + 1;
      return text.slice(i, close);
    }
    let out = '';
    while (i < text.length) {
      const char = text[i] as string;
      if (char === '"') {
        this.offset = i + 1;
        return out;
      }
      if (char === '\\') {
        const escape = text[i + 1];
        switch (escape) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case '"':
          case '\\':
            out += escape;
            break;
          case 'u': {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new EdnSyntaxError('bad \\u escape', i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          case undefined:
          default:
            throw new EdnSyntaxError(`unknown escape "\\${escape ?? ''}"`, i);
        }
        i += 2;
        continue;
      }
      out += char;
      i++;
    }
    throw new EdnSyntaxError('unterminated string', start);
  }

  private readAtom(): EdnValue {
    const text = this.text;
    const start = this.offset;
    let end = start;
    while (end < text.length && !endsAtom(text.charCodeAt(end))) end++;
    if (end === start) throw new EdnSyntaxError(`unexpected "${text[start] ?? ''}"`, start);
    this.offset = end;
    const first = text.charCodeAt(start);
    if (first === 58 /* : */) {
      if (end - start === 1) throw new EdnSyntaxError('empty keyword', start);
      return Keyword.of(text.slice(start + 1, end));
    }
    const token = text.slice(start, end);
    // A token that starts like a number must be one.
    if (
      isDigit(first) ||
      ((first === 43 || first === 45) && isDigit(text.charCodeAt(start + 1)) && end - start > 1)
    ) {
      if (NUMBER.test(token)) return readNumber(token, start);
      throw new EdnSyntaxError(`bad number "${token}"`, start);
    }
    switch (token) {
      case 'nil':
        return null;
      case 'true':
        return true;
      case 'false':
        return false;
      default:
        return new EdnSymbol(token);
    }
  }
}

function readNumber(token: string, offset: number): number | bigint {
  const suffix = token.endsWith('N') || token.endsWith('M');
  const digits = suffix ? token.slice(0, -1) : token;
  if (/^[+-]?\d+$/.test(digits)) {
    const value = Number(digits);
    if (Number.isSafeInteger(value)) return value;
    return BigInt(digits.startsWith('+') ? digits.slice(1) : digits);
  }
  const value = Number(digits);
  if (!Number.isFinite(value)) throw new EdnSyntaxError(`bad number "${token}"`, offset);
  return value;
}

/** Parses one EDN value that must fill all of `text` (blank space and comments aside). */
export function parseEdn(text: string): EdnValue {
  const reader = new Reader(text);
  const value = reader.read();
  if (!reader.atEnd()) throw new EdnSyntaxError('unexpected text after the value', reader.offset);
  return value;
}

/**
 * Converts EDN to plain data: keywords and symbols become their names, sets become arrays,
 * maps with keyword or string keys become objects (other maps stay `Map`s).
 */
export function ednToPlain(value: EdnValue): unknown {
  if (value instanceof Keyword || value instanceof EdnSymbol) return value.name;
  if (Array.isArray(value)) return value.map(ednToPlain);
  if (value instanceof Set) return Array.from(value, ednToPlain);
  if (value instanceof Map) {
    const plainKeys = Array.from(value.keys()).every((k) => k instanceof Keyword || typeof k === 'string');
    if (!plainKeys) return new Map(Array.from(value, ([k, v]) => [ednToPlain(k), ednToPlain(v)]));
    const object: Record<string, unknown> = {};
    for (const [k, v] of value) object[(k instanceof Keyword ? k.name : k) as string] = ednToPlain(v);
    return object;
  }
  return value;
}

/** A form read by {@link readEdnForms}, and the offset of its first character in the text. */
export interface EdnForm {
  readonly value: EdnValue;
  readonly offset: number;
}

/**
 * Reads a file of forms written either one after the other or as the elements of one vector or
 * list around the whole file (the two ways Jepsen stores a history). Each form comes with its
 * offset so that the caller can name its line. Comments and blank space may appear anywhere.
 */
export function readEdnForms(text: string): EdnForm[] {
  const reader = new Reader(text);
  reader.skipBlank();
  const opening = text[reader.offset];
  const closing = opening === '[' ? ']' : opening === '(' ? ')' : undefined;
  if (closing !== undefined) reader.offset++;
  const forms: EdnForm[] = [];
  for (;;) {
    reader.skipBlank();
    if (reader.offset >= text.length) {
      if (closing !== undefined)
        throw new EdnSyntaxError(
          `missing "${closing}" closing the "${opening}" that opens the file`,
          text.length,
        );
      return forms;
    }
    if (closing !== undefined && text[reader.offset] === closing) {
      reader.offset++;
      if (!reader.atEnd())
        throw new EdnSyntaxError(`unexpected text after the closing "${closing}"`, reader.offset);
      return forms;
    }
    const offset = reader.offset;
    forms.push({ value: reader.read(), offset });
  }
}
