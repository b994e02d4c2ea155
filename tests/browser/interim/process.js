// INTERIM (until the browser builds land): the few `process` members the system clock reads at module load,
// from the web platform's monotonic clock. Injected by esbuild only into bundles that reference `process`.
const origin = performance.now();
export const process = {
  hrtime: { bigint: () => BigInt(Math.round((performance.now() - origin) * 1e6)) },
  cpuUsage: () => ({ user: Math.round(performance.now() * 1000), system: 0 }),
  env: {},
  exit(code) {
    throw new Error(`process.exit(${code}) in a browser`);
  },
};
