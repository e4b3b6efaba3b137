import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Runs an example script as `npm run` does (tsx, source condition), piped, on a tiny budget. */
async function runScript(file: string, envName: string, config: object) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--conditions=@lucid-ts/source', here(file)],
    {
      env: { ...process.env, [envName]: JSON.stringify(config) },
      timeout: 20_000,
    },
  );
  return stdout.trimEnd().split('\n');
}

describe('example scripts (piped, as in CI)', () => {
  it('print one line per epoch, no redraws, and end with the accuracy line; exit code 0', async () => {
    const [shapes, signals] = await Promise.all([
      runScript('./shapes3d.ts', 'SHAPES3D_CONFIG', {
        nTrain: 16,
        nTest: 8,
        size: 8,
        epochs: 2,
        batchSize: 8,
      }),
      runScript('./signals1d.ts', 'SIGNALS1D_CONFIG', { nTrain: 32, nTest: 8, length: 32, epochs: 2 }),
    ]);
    for (const lines of [shapes, signals]) {
      expect(lines.at(-1)).toMatch(/^test accuracy: [01]\.\d{4}$/);
      expect(lines.filter((l) => /^epoch \d\/2 {2}loss \d\.\d{4} {2}acc /.test(l))).toHaveLength(2);
      expect(lines.join('\n')).not.toContain('\r');
      expect(lines.join('\n')).not.toContain('\x1b');
    }
  }, 30_000);
});
