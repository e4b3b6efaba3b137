// Turns the ```ts blocks of a README into vitest tests: each block runs with the given exports in scope,
// and a line `expr; // => value` checks that `expr` deep-equals the JSON `value`. Documentation that
// drifts from the code fails the test suite.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const RESERVED = new Set(['var', 'function', 'default', 'delete', 'new', 'in', 'for', 'if', 'do', 'class']);

function compile(block: string): string {
  return block
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .map((line) => {
      const m = /^(.*?);\s*\/\/ => (.*)$/.exec(line);
      return m ? `check(${m[1]}, ${JSON.stringify(m[2])});` : line;
    })
    .join('\n')
    .replace(/\(e as Error\)/g, 'e');
}

export function describeReadmeExamples(readme: URL, scope: Record<string, unknown>): void {
  const text = readFileSync(readme, 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const names = Object.keys(scope).filter((n) => !RESERVED.has(n));
  describe(`README examples (${readme.pathname.split('/').slice(-3).join('/')})`, () => {
    it('has examples', () => expect(blocks.length).toBeGreaterThan(0));
    blocks.forEach((block, i) => {
      it(`block ${i + 1} runs and its results match`, () => {
        const check = (actual: unknown, expected: string) => expect(actual).toEqual(JSON.parse(expected));
        const run = new Function('check', ...names, compile(block));
        run(check, ...names.map((n) => scope[n]));
      });
    });
  });
}
