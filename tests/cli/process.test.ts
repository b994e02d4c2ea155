// The built `vos` binary in a child process: the bin entry, real stdio, exit statuses.
import { buildCli, spawnVos, VOSTEST } from './helpers';

let cli: string;
beforeAll(() => {
  cli = buildCli();
}, 180_000);

test('vos --version', () => {
  expect(spawnVos(cli, ['--version'])).toEqual({ code: 0, stdout: 'vos 0.1.0\n', stderr: '' });
});

test('a guest with real stdin/stdout and its exit status', () => {
  const r = spawnVos(cli, ['run', VOSTEST, 'stdin', 'args', 'exit', '7'], 'piped\n');
  expect(r).toEqual({ code: 7, stdout: `piped\nargv[0]=${VOSTEST}\nargv[1]=stdin\nargv[2]=args\nargv[3]=exit\nargv[4]=7\n`, stderr: '' });
});

test('a trap exits 134 with the wasm stack', () => {
  const r = spawnVos(cli, ['run', 'tests/cli/fixtures/trap.wasm']);
  expect(r.code).toBe(134);
  expect(r.stderr).toMatch(/^vos: wasm trap: unreachable\n {4}at inner \(wasm:\/\/wasm\/[0-9a-f]+:wasm-function\[1\]:0x[0-9a-f]+\)\n/);
});

test('a bad option exits 2', () => {
  const r = spawnVos(cli, ['run', '--nope', VOSTEST]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe("vos: unknown option '--nope'\n(see vos --help)\n");
});
