// @vos/wasi must keep nothing of a host's once the host drops its sandboxes (no module-level cache, registry or
// kept sandbox may hold one): their filesystems, callbacks, instances and wasm memories are collectable. Run in a
// child process (GC exposed, a heap of its own).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

test('@vos/wasi holds nothing a host gave to the sandboxes it dropped', () => {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '-r', path.join(ROOT, 'tests/api/ts-register.js'), path.join(__dirname, 'dropped-sandboxes-child.js')],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`child failed (${r.status} ${r.signal}): ${r.stderr}`);
  const report = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { alive: Record<string, number>; written: number };
  expect(report.written).toBeGreaterThan(0); // the guests ran and wrote through the watched callbacks
  expect(report.alive).toEqual({ fs: 0, callback: 0, wasi: 0, instance: 0, memory: 0 });
}, 90_000);
