import type { NodeFileSystemOptions } from '@vos/fs-node';

/**
 * The `NodeFileSystem` paths a test file exercises in this process. vos's own jest process runs the pure-JavaScript
 * path only (nothing native runs inside the jest worker: tests/helpers/jest-js-path.js sets VOS_FS_NODE_NATIVE=0);
 * `tests/native/native-path.test.ts` re-runs the same files in a child jest with VOS_FS_NODE_NATIVE=1, where the
 * native accelerator is the only path.
 */
export function nodeFsPaths(): [string, NodeFileSystemOptions][] {
  if (process.env.VOS_FS_NODE_NATIVE === '1') return [['native', { native: true }]];
  return [
    ['/proc/self/fd', { native: false }],
    ['fallback', { native: false, useProcFd: false }],
  ];
}

/** Whether this process runs the native path (the child jest of tests/native). */
export const NATIVE_RUN = process.env.VOS_FS_NODE_NATIVE === '1';
