// The behaviour suite is the published package @vos/fs-testkit; this path stays for suites that import it here.
export * from '@vos/fs-testkit';
