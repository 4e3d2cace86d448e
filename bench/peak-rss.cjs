// Preloaded with `node --require` into a measured process: reports its peak resident memory on exit.
process.on('exit', () => {
  const file = process.env.CUSTOMS_BENCH_RSS_FILE;
  if (file) require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
