#!/usr/bin/env node
// The registry mirror this project is built against serves only this platform's builds of packages that
// ship per-platform binaries as optional dependencies (biome, turbo, rollup, esbuild). npm then leaves
// the other platforms' entries out of package-lock.json, and `npm ci` refuses the lock as out of sync.
// This adds the missing entries (name and version only; npm skips or fetches them per platform), so the
// lock is complete again. Run through `npm run lock` after changing dependencies. Idempotent.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const file = resolve(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const entries = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(entries)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dep}`;
    if (entries[nested] || entries[`node_modules/${dep}`]) continue;
    entries[`node_modules/${dep}`] = { version, dev: meta.dev, optional: true };
    added++;
  }
}
if (added > 0) {
  const [root, ...rest] = Object.keys(entries);
  lock.packages = Object.fromEntries([root, ...rest.sort()].map((k) => [k, entries[k]]));
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`complete-lockfile: added ${added} optional platform entr${added === 1 ? 'y' : 'ies'}`);
