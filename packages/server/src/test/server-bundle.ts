// The server bundled as `npm run build` bundles it (dist/main.js, npm packages external), for the
// tests, benches and assurance checks that run it as a real process.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const SERVER_DIR = path.resolve(import.meta.dirname, '../..');

/** Bundles src/main.ts into `outdir` (a git-ignored folder under packages/server/.tmp by default); the path of main.js. */
export async function bundleServer(outdir = path.join(SERVER_DIR, '.tmp', 'bench-server')): Promise<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(SERVER_DIR, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  await build({
    entryPoints: [path.join(SERVER_DIR, 'src/main.ts')],
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    external: Object.keys(pkg.dependencies ?? {}),
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return path.join(outdir, 'main.js');
}
