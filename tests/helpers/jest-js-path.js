// jest setupFiles: vos's own jest process uses @vos/fs-node's pure-JavaScript path, so nothing native runs inside
// the jest worker (native code that crashed would take vos's whole test run with it).
// tests/native/native-path.test.ts runs the host-filesystem suites again in a child jest with
// VOS_FS_NODE_NATIVE=1, which this file leaves alone.
if (process.env.VOS_FS_NODE_NATIVE !== '1') process.env.VOS_FS_NODE_NATIVE = '0';
