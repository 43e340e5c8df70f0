// The typecheck and the lint of `npm test`, in two lanes at once: each is single-threaded, and this
// machine has two cores. Output of a lane is printed when it ends; the exit code is non-zero when
// any step failed.
import { spawn } from 'node:child_process';

const lanes = [
  [['npx', ['eslint', '--max-warnings', '0', '.']]],
  ['core', 'server', 'web', 'e2e', 'bench', 'assure'].map((p) => ['npx', ['tsc', '-p', p === 'e2e' || p === 'bench' || p === 'assure' ? p : `packages/${p}`]]),
];

function run([cmd, args]) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const secs = ((performance.now() - started) / 1000).toFixed(0);
      process.stdout.write(`${code === 0 ? 'ok  ' : 'FAIL'} ${cmd} ${args.join(' ')} (${secs} s)\n${code === 0 ? '' : out}`);
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(lanes.map(async (steps) => {
  let ok = true;
  for (const step of steps) ok = (await run(step)) && ok;
  return ok;
}));
process.exit(results.every(Boolean) ? 0 : 1);
