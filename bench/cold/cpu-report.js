'use strict';
// Preloaded (NODE_OPTIONS=--require) into both sides of a cold-start sample: at exit, reports the process's CPU
// time (user + system, all threads, from boot to exit) on stderr. Unlike wall time it hardly depends on how
// loaded the machine is, so it tells what the ratio would be on an idle machine. See bench/lib/cold.js.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nvos-bench-cpu-us ${user + system}\n`);
});
