// Runs every ```ts block of this package's README: `expr; // => value` lines become deep-equality checks,
// so the documentation cannot drift from the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nd from './index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

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

describe('README examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThan(5));
  blocks.forEach((block, i) => {
    it(`block ${i + 1} runs and its results match`, () => {
      const check = (actual: unknown, expected: string) => expect(actual).toEqual(JSON.parse(expected));
      const names = Object.keys(nd);
      const body = compile(block);
      const run = new Function('check', ...names, body);
      run(check, ...names.map((n) => (nd as Record<string, unknown>)[n]));
    });
  });
});
