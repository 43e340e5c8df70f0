// Loaded into the server process by the soak check (node --import): every second it appends the
// process's memory (RSS, V8 heap used and total, external) as a JSON line to XINYU_ASSURE_MEMORY_FILE.
// A probe of the harness, not part of the server.
import fs from 'node:fs';

const file = process.env.XINYU_ASSURE_MEMORY_FILE;
if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    fs.appendFileSync(file, `${JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
  }, 1000).unref();
}
