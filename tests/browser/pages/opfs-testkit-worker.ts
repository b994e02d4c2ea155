/** The worker half of opfs-testkit.page.ts: the behaviour suite on the channel's filesystem proxy. */
import { ChannelClient, ChannelFileSystem, channelControl } from '@vos/worker';
import { describeFileSystemBehaviour, type TestApi } from '@vos/fs-testkit';
import { afterEach, beforeEach, describe, expect, runAndReport, test } from '../harness';

self.onmessage = async (e: MessageEvent<{ sab: SharedArrayBuffer }>) => {
  const client = new ChannelClient(e.data.sab);
  const caps = { readOnly: false, symlinks: false, hardLinks: false, timestampResolutionNs: 1_000_000n };
  // OPFS in this Chromium can move files but not directories (no FileSystemDirectoryHandle.move): a directory
  // rename is ENOTSUP (docs/browser.md), so the one test that renames a directory successfully is skipped.
  const GAPS = new Set(['rename a directory over an empty directory; ENOTEMPTY over a non-empty one']);
  const gapped = Object.assign((name: string, fn: () => void) => (GAPS.has(name) ? test.skip(name, fn) : test(name, fn)), { skip: test.skip });
  const api = { describe, test: gapped, expect, beforeEach, afterEach } as unknown as TestApi;
  describeFileSystemBehaviour(
    'OpfsFileSystem (through the worker channel)',
    () => {
      channelControl(client, 'fresh', '');
      return { fs: new ChannelFileSystem(client, 0, caps, false) };
    },
    // OPFS renames files only (a directory rename is ENOTSUP), so the rename tests are skipped.
    { api },
  );
  self.postMessage({ results: await runAndReport() });
};
