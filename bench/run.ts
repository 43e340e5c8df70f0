// `npm run bench -- <name>`: benchmarks print their figures; they never assert timings.
import { benchDashboards } from './dashboards.js';
import { benchImport } from './import.js';
import { benchScreening } from './screening.js';
import { benchWarning } from './warning.js';

const benches: Record<string, (args: string[]) => Promise<void>> = { import: benchImport, screening: benchScreening, warning: benchWarning, dashboards: benchDashboards };

const [name, ...args] = process.argv.slice(2);
const run = name ? benches[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(1);
}
run(args).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
