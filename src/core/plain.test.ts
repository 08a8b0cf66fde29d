import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clonePlain, decodePlain, encodePlain, findPlainViolation, plainToJson } from './plain.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

/** Plain values beyond JSON: Map, Set, bigint, Uint8Array, non-finite numbers and `$`-keys. */
const plainValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, Infinity, -Infinity, Number.NaN),
    // -0 is left out: JSON has no negative zero, and plain data treats it as 0 (see the test below).
    fc.double({ noNaN: true }).filter((number) => !Object.is(number, -0)),
    fc.string(),
    fc.bigInt(),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('$bigint', '$map', '$object', '$x', '__proto__')),
      tie('value'),
      {
        maxKeys: 4,
        // Copies and decoded values are ordinary objects; null-prototype inputs are tested apart.
        noNullPrototype: true,
      },
    ),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 3 }).map((elements) => new Set(elements)),
  ),
})).value;

describe('findPlainViolation', () => {
  it('accepts every JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(findPlainViolation(value)).toBeUndefined();
      }),
    );
  });

  it('accepts Map, Set, bigint, Uint8Array and non-finite numbers at any depth', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(findPlainViolation(value)).toBeUndefined();
      }),
    );
  });

  it('accepts objects without a prototype', () => {
    const record = Object.create(null) as Record<string, unknown>;
    record.a = 1;
    expect(findPlainViolation(record)).toBeUndefined();
  });

  it.each([
    ['undefined', { a: undefined }, 'a', 'undefined'],
    ['a function', { payload: { when: () => 1 } }, 'payload.when', 'a function'],
    ['a named function', [function tick() {}], '[0]', 'a function (tick)'],
    ['a symbol', { s: Symbol('x') }, 's', 'a symbol'],
    ['a class instance', { at: new Date(0) }, 'at', 'an instance of Date'],
    ['a user class', { box: new (class Box {})() }, 'box', 'an instance of Box'],
    ['a Buffer (a Uint8Array subclass)', { bytes: Buffer.from('x') }, 'bytes', 'an instance of Buffer'],
    // eslint-disable-next-line no-sparse-arrays -- the hole is what is tested
    ['a hole in an array', { list: [1, , 3] }, 'list[1]', 'a hole'],
    ['a bad map key', new Map([[() => 0, 1]]), '<map key>', 'a function'],
    ['a bad map value', { m: new Map([['k', undefined]]) }, 'm<map value for "k">', 'undefined'],
    ['a bad set element', new Set([Symbol.iterator]), '<set element>', 'a symbol'],
    ['the value itself', undefined, '(the value itself)', 'undefined'],
  ])('refuses %s and names its path', (_label, value, path, problem) => {
    const violation = findPlainViolation(value);
    expect(violation?.path).toBe(path);
    expect(violation?.problem).toContain(problem);
  });

  it('refuses symbol keys', () => {
    expect(findPlainViolation({ [Symbol('k')]: 1 })?.problem).toBe('an object with symbol keys');
  });

  it('refuses a cycle as nesting that is too deep', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(findPlainViolation(cycle)?.problem).toMatch(/deeper than 256/);
  });

  it('accepts nesting up to the depth bound', () => {
    // 256 nested arrays sit at depths 0..255, the deepest allowed.
    let nested: unknown = 1;
    for (let depth = 0; depth < 256; depth++) nested = [nested];
    expect(findPlainViolation(nested)).toBeUndefined();
    expect(findPlainViolation([nested])?.problem).toMatch(/deeper/);
  });

  it('freezes every container on request, and only then', () => {
    const value = { list: [1, { inner: true }], map: new Map([['k', [2]]]), set: new Set([[3]]) };
    findPlainViolation(value);
    expect(Object.isFrozen(value)).toBe(false);
    findPlainViolation(value, true);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[1])).toBe(true);
    expect(Object.isFrozen(value.map)).toBe(true);
    expect(Object.isFrozen(value.map.get('k'))).toBe(true);
    expect(Object.isFrozen([...value.set][0])).toBe(true);
  });
});

describe('frozen Maps and Sets', () => {
  it('refuse changes once frozen (Object.freeze alone does not stop Map.set or Set.add)', () => {
    const value = { map: new Map([['k', 1]]), set: new Set([1]) };
    findPlainViolation(value, true);
    expect(() => value.map.set('k', 2)).toThrow(TypeError);
    expect(() => value.map.delete('k')).toThrow(TypeError);
    expect(() => value.map.clear()).toThrow(/frozen/);
    expect(() => value.set.add(2)).toThrow(TypeError);
    expect(() => value.set.delete(1)).toThrow(TypeError);
    expect(() => value.set.clear()).toThrow(TypeError);
    expect(value.map).toEqual(new Map([['k', 1]]));
    expect(value.set).toEqual(new Set([1]));
    // Reads still work, a second freeze is harmless, and copies are free to change.
    expect(value.map.get('k')).toBe(1);
    expect(findPlainViolation(value, true)).toBeUndefined();
    const copy = clonePlain(value);
    copy.map.set('k', 3);
    copy.set.add(4);
    expect(copy.map.get('k')).toBe(3);
    expect(plainToJson(value)).toBe('{"map":{"$map":[["k",1]]},"set":{"$set":[1]}}');
  });

  it('are left alone without freeze', () => {
    const map = new Map([['k', 1]]);
    findPlainViolation(map);
    map.set('k', 2);
    expect(map.get('k')).toBe(2);
  });
});

describe('encodePlain and decodePlain', () => {
  it('round-trip every plain value through JSON text', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        const text = JSON.stringify(encodePlain(value));
        expect(decodePlain(JSON.parse(text))).toStrictEqual(value);
      }),
    );
  });

  it('leave JSON values without `$`-keys as they are', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!JSON.stringify(value).includes('"$'));
        expect(encodePlain(value)).toStrictEqual(value);
      }),
    );
  });

  it('use the documented tags', () => {
    expect(encodePlain(10n)).toEqual({ $bigint: '10' });
    expect(encodePlain(Infinity)).toEqual({ $number: 'Infinity' });
    expect(encodePlain(new Set([1]))).toEqual({ $set: [1] });
    expect(encodePlain(new Map([['a', 1]]))).toEqual({ $map: [['a', 1]] });
    expect(encodePlain(new Uint8Array([1, 2, 255]))).toEqual({ $bytes: 'AQL/' });
    expect(encodePlain({ $bigint: '1' })).toEqual({ $object: { $bigint: '1' } });
  });

  it('keep a "__proto__" key as data (JSON.parse makes such keys)', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "a": 2}') as Record<string, unknown>;
    expect(findPlainViolation(value)).toBeUndefined();
    expect(plainToJson(value)).toBe('{"__proto__":{"polluted":1},"a":2}');
    const decoded = decodePlain(JSON.parse(plainToJson(value)));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded).toStrictEqual(value);
    const copy = clonePlain(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toStrictEqual(value);
  });

  it('decode a null-prototype object to an ordinary one with the same entries', () => {
    const record = Object.create(null) as Record<string, unknown>;
    record.a = new Set([1n]);
    const decoded = decodePlain(JSON.parse(plainToJson(record)));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded).toStrictEqual({ a: new Set([1n]) });
  });

  it('treat -0 as 0 (JSON has no negative zero)', () => {
    expect(decodePlain(JSON.parse(plainToJson(-0)))).toBe(0);
  });

  it('give the same text for equal values built in the same order', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(plainToJson(clonePlain(value))).toBe(plainToJson(value));
      }),
    );
  });
});

describe('clonePlain', () => {
  it('copies deeply, and the copy of a frozen value is not frozen', () => {
    const original = { list: [1, 2], map: new Map([['k', { n: 1 }]]), bytes: new Uint8Array([1]) };
    findPlainViolation(original, true);
    const copy = clonePlain(original);
    expect(copy).toStrictEqual(original);
    expect(Object.isFrozen(copy)).toBe(false);
    copy.list.push(3);
    copy.map.get('k')!.n = 2;
    copy.bytes[0] = 9;
    expect(original.list).toEqual([1, 2]);
    expect(original.map.get('k')).toEqual({ n: 1 });
    expect(original.bytes[0]).toBe(1);
  });

  it('is equal to its input for every plain value', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(clonePlain(value)).toStrictEqual(value);
      }),
    );
  });
});
