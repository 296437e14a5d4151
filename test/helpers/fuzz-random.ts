/** The seeded randomness of the fuzz test (test/e2e/fuzz.test.ts): one PRNG, so a seed names a run. */

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Random choices and hostile values, all drawn from one PRNG. */
export class FuzzRandom {
  constructor(protected readonly random: () => number) {}

  /** Random text: ASCII, NUL, non-ASCII, control characters. */
  text(length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) {
      const roll = this.random()
      out +=
        roll < 0.7
          ? String.fromCharCode(0x21 + this.int(94))
          : roll < 0.8
            ? '\u0000'
            : roll < 0.9
              ? String.fromCharCode(0xa0 + this.int(0x2000))
              : String.fromCharCode(this.int(0x20))
    }
    return out
  }

  chance(p: number): boolean {
    return this.random() < p
  }

  int(n: number): number {
    return Math.floor(this.random() * n)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /** A value a field should never hold: NUL, lone surrogates, wrong types, sizes at and over limits. */
  hostile(): unknown {
    return this.pick<() => unknown>([
      () => 'a\u0000b',
      () => '\u0000',
      () => this.text(20),
      () => 'x'.repeat(this.pick([1000, 1001, 70000])),
      () => this.pick([-1, 0, 1e308, 2 ** 53 + 1, 0.5]),
      () => null,
      () => true,
      () => [],
      () => [this.text(3), null],
      () => ({}),
      () => ({ phoneNumber: this.text(12) }),
      () => '\ud800',
      () => '2020-13-45T99:99:99Z',
    ])()
  }
}
