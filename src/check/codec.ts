/**
 * A compact binary encoding of plain data, for the breadth-first frontier (frontier.ts): states
 * that wait for expansion are kept as bytes rather than objects, in chunks that search workers
 * can also hand each other.
 *
 * Why not `postMessage`'s structured clone or `v8.serialize`: a search keeps hundreds of
 * thousands of small states per second, and those cost a native call and an allocation each.
 * Here a whole batch of states goes into one growing byte buffer, transferred between threads
 * rather than copied. Within a batch, strings are interned (a tag and a name are written once)
 * and objects are interned by identity, so states that shared a part when written share it again
 * when read: memory stays compact and structural sharing survives.
 *
 * The decoded value is structurally equal to the encoded one, hence has the same fingerprint:
 * an object property whose value is `undefined` is dropped, as fingerprints ignore it too.
 *
 * @module
 */
import {
  describeNotPlain,
  describePlainKind,
  layoutOf,
  objectKind,
  type PlainKind,
  PlainLayout,
  PLAIN_KINDS,
  setEntry,
  unhandledLayout,
} from '../core/index.js';

/** What follows in the bytes. An object starts with {@link Tag.Kind} plus its kind. */
const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Integer = 4,
  Float = 5,
  NewString = 6,
  StringRef = 7,
  BigInt = 8,
  ObjectRef = 9,
  /** A string written in full and not numbered: the string table is full. */
  LoneString = 10,
  /** An object of kind `k` (core/plain-kind.ts) is tagged `Kind + k`. */
  Kind = 16,
}

/** Most strings interned per batch: past it, strings are written in full each time. */
const STRINGS_MAX = 1 << 12;

/** How many recently written objects are remembered for interning. */
const RECENT_OBJECTS = 16;

/** Writes values into a growing buffer; one writer per batch. */
export class Encoder {
  #bytes = new Uint8Array(1 << 16);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;
  readonly #strings = new Map<string, number>();
  readonly #stringList: string[] = [];
  // Objects are interned against the few most recently written ones, by identity: consecutive
  // states are mostly siblings that share their unchanged parts. A ring scanned linearly beats a
  // `Map` here, whose first lookup of each object costs an identity hash.
  readonly #recent: (object | undefined)[] = new Array<object | undefined>(RECENT_OBJECTS);
  readonly #recentIds = new Int32Array(RECENT_OBJECTS);
  #recentNext = 0;
  #objectCount = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Ends the batch: returns its bytes (a fresh buffer, ready to transfer) and starts anew. */
  finish(): Uint8Array<ArrayBuffer> {
    const out = this.#bytes.slice(0, this.#length);
    this.#length = 0;
    this.#strings.clear();
    this.#stringList.length = 0;
    this.#recent.fill(undefined);
    this.#objectCount = 0;
    return out;
  }

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < this.#length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** Writes a 32-bit integer as is (fingerprint lanes, indices). */
  int32(value: number): void {
    this.#ensure(4);
    this.#view.setInt32(this.#length, value, true);
    this.#length += 4;
  }

  #varint(value: number): void {
    this.#ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.#bytes[this.#length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#bytes[this.#length++] = v;
  }

  #tag(tag: Tag): void {
    this.#ensure(1);
    this.#bytes[this.#length++] = tag;
  }

  #string(s: string): void {
    const known = this.#strings.get(s);
    if (known !== undefined) {
      this.#tag(Tag.StringRef);
      this.#varint(known);
      return;
    }
    if (this.#stringList.length < STRINGS_MAX) {
      this.#strings.set(s, this.#stringList.length);
      this.#stringList.push(s);
      this.#tag(Tag.NewString);
    } else {
      this.#tag(Tag.LoneString);
    }
    const n = s.length;
    this.#varint(n);
    this.#ensure(2 * n);
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = 0; i < n; i++) {
      const code = s.charCodeAt(i);
      bytes[at++] = code & 0xff;
      bytes[at++] = code >>> 8;
    }
    this.#length = at;
  }

  /**
   * Writes a plain-data value.
   *
   * @throws TypeError on functions, symbols and objects that are not plain data.
   */
  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.#string(v);
        return;
      case 'number':
        if ((v | 0) === v) {
          this.#tag(Tag.Integer);
          this.int32(v);
        } else {
          this.#tag(Tag.Float);
          this.#ensure(8);
          this.#view.setFloat64(this.#length, v, true);
          this.#length += 8;
        }
        return;
      case 'boolean':
        this.#tag(v ? Tag.True : Tag.False);
        return;
      case 'undefined':
        this.#tag(Tag.Undefined);
        return;
      case 'bigint':
        this.#tag(Tag.BigInt);
        this.#string(v.toString(16));
        return;
      case 'object':
        if (v === null) this.#tag(Tag.Null);
        else this.#object(v);
        return;
      case 'function':
      case 'symbol':
        throw new TypeError(`codec: cannot encode ${describeNotPlain(v)}: states hold plain data only`);
    }
  }

  #object(v: object): void {
    const recent = this.#recent;
    for (let i = 0; i < RECENT_OBJECTS; i++) {
      if (recent[i] === v) {
        this.#tag(Tag.ObjectRef);
        this.#varint(this.#recentIds[i] ?? 0);
        return;
      }
    }
    const slot = this.#recentNext;
    recent[slot] = v;
    this.#recentIds[slot] = this.#objectCount++;
    this.#recentNext = (slot + 1) % RECENT_OBJECTS;
    const kind = objectKind(v);
    const layout = layoutOf(kind);
    switch (layout) {
      case PlainLayout.List:
        this.#tag(Tag.Kind + kind);
        this.#varint((v as unknown[]).length);
        for (const element of v as unknown[]) this.value(element);
        return;
      case PlainLayout.Bag:
        this.#tag(Tag.Kind + kind);
        this.#varint((v as Set<unknown>).size);
        for (const element of v as Set<unknown>) this.value(element);
        return;
      case PlainLayout.Table:
        this.#tag(Tag.Kind + kind);
        this.#varint((v as Map<unknown, unknown>).size);
        for (const [key, value] of v as Map<unknown, unknown>) {
          this.value(key);
          this.value(value);
        }
        return;
      case PlainLayout.Blob: {
        const bytes = describePlainKind(kind).bytes(v);
        this.#tag(Tag.Kind + kind);
        this.#varint(bytes.length);
        this.#ensure(bytes.length);
        this.#bytes.set(bytes, this.#length);
        this.#length += bytes.length;
        return;
      }
      case PlainLayout.Record: {
        const record = v as Record<string, unknown>;
        let n = 0;
        for (const key in record) if (record[key] !== undefined) n++;
        this.#tag(Tag.Kind + kind);
        this.#varint(n);
        for (const key in record) {
          const value = record[key];
          if (value === undefined) continue;
          this.#string(key);
          this.value(value);
        }
        return;
      }
      case PlainLayout.Atom:
      case PlainLayout.Foreign:
        throw new TypeError(`codec: cannot encode ${describeNotPlain(v)}: states hold plain data only`);
      default:
        unhandledLayout(layout);
    }
  }
}

/**
 * Decoded strings, by value, as V8's internalized strings. A string decoded from bytes is a new
 * string each time; the internalized one is the same object as the literals of the model's code
 * and the keys of its objects, so comparing (`===`, a `Map` probe, a property store with it as
 * key) is one pointer comparison instead of a character-by-character one. Bounded: once full,
 * new strings are returned as decoded.
 */
const canonicalStrings = new Map<string, string>();
const CANONICAL_STRINGS_MAX = 1 << 16;
const CANONICAL_LENGTH_MAX = 64;

function canonicalString(s: string): string {
  const known = canonicalStrings.get(s);
  if (known !== undefined) return known;
  if (s.length > CANONICAL_LENGTH_MAX || canonicalStrings.size >= CANONICAL_STRINGS_MAX) return s;
  // A property key is internalized: reading it back yields V8's one copy of the string.
  const internalized = Object.keys({ [s]: 0 })[0] ?? s;
  canonicalStrings.set(internalized, internalized);
  return internalized;
}

/** Reads what an {@link Encoder} wrote, in the same order. */
export class Decoder {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;
  #strings: string[] = [];
  #objects: object[] = [];

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True while bytes remain. */
  get more(): boolean {
    return this.#at < this.#bytes.length;
  }

  int32(): number {
    const value = this.#view.getInt32(this.#at, true);
    this.#at += 4;
    return value;
  }

  #varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.#bytes[this.#at++] ?? 0;
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
    }
  }

  #stringAfterTag(tag: Tag): string {
    if (tag === Tag.StringRef) return this.#strings[this.#varint()] ?? '';
    const n = this.#varint();
    const bytes = this.#bytes;
    let at = this.#at;
    let s = '';
    // Short strings dominate; building them code unit by code unit avoids an array per string.
    for (let i = 0; i < n; i++, at += 2)
      s += String.fromCharCode((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8));
    this.#at = at;
    s = canonicalString(s);
    if (tag === Tag.NewString) this.#strings.push(s);
    return s;
  }

  /** Reads one value. */
  value(): unknown {
    const tag = (this.#bytes[this.#at++] ?? -1) as Tag;
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Integer:
        return this.int32();
      case Tag.Float: {
        const value = this.#view.getFloat64(this.#at, true);
        this.#at += 8;
        return value;
      }
      case Tag.NewString:
      case Tag.StringRef:
      case Tag.LoneString:
        return this.#stringAfterTag(tag);
      case Tag.BigInt: {
        const digits = this.#stringAfterTag(this.#bytes[this.#at++] ?? Tag.NewString);
        return digits.startsWith('-') ? -BigInt(`0x${digits.slice(1)}`) : BigInt(`0x${digits}`);
      }
      case Tag.ObjectRef:
        return this.#objects[this.#varint()];
      default: {
        const kind = (tag as number) - Tag.Kind;
        if (kind >= 0 && kind < PLAIN_KINDS.length) return this.#object(kind);
        throw new Error(`codec: corrupt batch (tag ${String(tag)} at byte ${this.#at - 1})`);
      }
    }
  }

  /** Reads an object of `kind`, its tag read. */
  #object(kind: PlainKind): object {
    const description = describePlainKind(kind);
    const layout = description.layout;
    const n = this.#varint();
    switch (layout) {
      case PlainLayout.List: {
        const array = description.create(n) as unknown[];
        this.#objects.push(array);
        for (let i = 0; i < n; i++) array[i] = this.value();
        return array;
      }
      case PlainLayout.Bag: {
        const set = description.create(n) as Set<unknown>;
        this.#objects.push(set);
        for (let i = 0; i < n; i++) set.add(this.value());
        return set;
      }
      case PlainLayout.Table: {
        const map = description.create(n) as Map<unknown, unknown>;
        this.#objects.push(map);
        for (let i = 0; i < n; i++) {
          const key = this.value();
          map.set(key, this.value());
        }
        return map;
      }
      case PlainLayout.Blob: {
        const blob = description.create(n);
        description.bytes(blob).set(this.#bytes.subarray(this.#at, this.#at + n));
        this.#objects.push(blob);
        this.#at += n;
        return blob;
      }
      case PlainLayout.Record: {
        const record = description.create(n) as Record<string, unknown>;
        this.#objects.push(record);
        for (let i = 0; i < n; i++) {
          const key = this.#stringAfterTag(this.#bytes[this.#at++] ?? Tag.NewString);
          setEntry(record, key, this.value());
        }
        return record;
      }
      case PlainLayout.Atom:
      case PlainLayout.Foreign:
        throw new Error(`codec: corrupt batch (no value of kind ${kind} is encoded)`);
      default:
        return unhandledLayout(layout);
    }
  }
}
