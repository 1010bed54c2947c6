// Loaded with `node --import` into every CLI process the benchmark starts: on exit, writes the
// process's own resource usage (CPU time and peak RSS) to the file named by SYNCWISE_BENCH_USAGE.
import { writeFileSync } from 'node:fs';

const file = process.env.SYNCWISE_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS }));
  });
}
