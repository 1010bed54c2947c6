// Builds, type-checks sources and tests, runs the whole vitest suite and prints a closing `N passed, N failed` line.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Runs `npm run <script>`; resolves with its exit code. */
const runScript = (script) => new Promise((resolve) => {
  spawn(npm, ['run', script], { stdio: 'inherit' }).on('close', (code) => resolve(code)).on('error', () => resolve(1));
});

// the build checks the sources; the typecheck also checks the tests, which vitest runs unchecked.
// Two compilers side by side: one per core.
const codes = await Promise.all(['build', 'typecheck'].map(runScript));
if (codes.some((code) => code !== 0)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = '.vitest-report.json';
rmSync(report, { force: true });
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  if (r.numFailedTestSuites > 0 && failed === 0) failed = r.numFailedTestSuites;
} catch {
  failed = Math.max(1, failed);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
