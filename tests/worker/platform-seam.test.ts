/**
 * The worker side (what runs next to the guest: guest.ts, the channel, the limits) imports no `node:*` module,
 * directly or through another vos module, so it runs in a browser Web Worker unchanged; Node-specific code
 * reaches it only through the platform seam (platform/node.ts, chosen by the entry file).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../packages/worker/src');
const WORKER_SIDE = ['guest.ts', 'channel/client.ts', 'channel/server.ts', 'channel/proxies.ts', 'channel/layout.ts', 'limits.ts', 'protocol.ts'];

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
}

test.each(WORKER_SIDE)('%s reaches no node:* module', (file) => {
  const seen = new Set<string>();
  const queue = [join(SRC, file)];
  while (queue.length > 0) {
    const f = queue.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const spec of importsOf(f)) {
      expect(`${f}: ${spec}`).not.toMatch(/: node:/);
      if (spec.startsWith('.')) queue.push(`${resolve(dirname(f), spec)}.ts`);
      // @vos/core is node-free by its own rule (its package description and tests).
      else expect(['@vos/core']).toContain(spec);
    }
  }
});
