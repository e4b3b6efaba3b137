#!/usr/bin/env node
// Checks that every public package works when installed on its own from its tarball:
// `npm pack`, install the tarball(s) into an empty temporary project, import each package from plain
// Node ESM, then lint the package with publint and @arethetypeswrong/cli. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ pkg }) => !pkg.private && (only.length === 0 || only.includes(pkg.name)));

const work = mkdtempSync(join(tmpdir(), 'lucid-check-'));
let failures = 0;
const fail = (name, msg) => {
  failures++;
  console.error(`✗ ${name}: ${msg}`);
};

try {
  // Pack everything first, so a package can be installed together with the workspace packages it needs.
  const tarballs = new Map();
  for (const { dir, pkg } of packages) {
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir));
    tarballs.set(pkg.name, join(work, out[0].filename));
    const files = out[0].files.map((f) => f.path);
    if (files.some((f) => /\.test\.(ts|js|d\.ts)$/.test(f))) fail(pkg.name, 'tarball contains test files');
    if (!files.includes('dist/index.js')) fail(pkg.name, 'tarball has no dist/index.js (was it built?)');
  }
  for (const { dir, pkg } of packages) {
    // 1. Install the tarball alone (plus tarballs of its workspace dependencies) in an empty project.
    const project = join(work, pkg.name.replace(/[@/]/g, '_'));
    run('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    const deps = Object.keys(pkg.dependencies ?? {}).filter((d) => tarballs.has(d));
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        tarballs.get(pkg.name),
        ...deps.map((d) => tarballs.get(d)),
      ],
      project,
    );
    const installed = readdirSync(join(project, 'node_modules', ...pkg.name.split('/').slice(0, -1)));
    if (!installed.includes(pkg.name.split('/').at(-1))) fail(pkg.name, 'not installed');

    // 2. Import it from plain Node ESM (no TypeScript, no custom conditions).
    const script = `import * as m from '${pkg.name}'; const n = Object.keys(m).length; if (n === 0) throw new Error('no exports'); console.log(n);`;
    try {
      const n = run('node', ['--input-type=module', '-e', script], project).trim();
      console.log(`✓ ${pkg.name}: installs alone and imports from Node ESM (${n} exports)`);
    } catch (e) {
      fail(pkg.name, `import failed: ${e.stderr || e.message}`);
    }

    // 3. publint on the packed package.
    const { messages } = await publint({ pkgDir: dir, pack: 'npm', strict: true });
    for (const m of messages) fail(pkg.name, `publint ${m.type}: ${formatMessage(m, pkg)}`);
    if (messages.length === 0) console.log(`✓ ${pkg.name}: publint clean`);

    // 4. Are the types wrong? ESM-only packages are judged by the node16 and bundler resolutions.
    try {
      run(
        join(root, 'node_modules', '.bin', 'attw'),
        [tarballs.get(pkg.name), '--profile', 'esm-only', '--format', 'table-flipped'],
        dir,
      );
      console.log(`✓ ${pkg.name}: @arethetypeswrong/cli clean`);
    } catch (e) {
      fail(pkg.name, `attw: ${e.stdout || e.message}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`check:packages: ${failures} problem(s)`);
  process.exit(1);
}
console.log(`check:packages: ${packages.length} package(s) OK`);
