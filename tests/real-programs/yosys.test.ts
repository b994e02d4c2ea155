import * as fs from 'node:fs';
import { describeCommand, hostDir, packageFile, readTree, runNodeWasi, runVos, runVosInMemory, runVosOverlay } from './harness';

/**
 * Yosys 0.55 (the open synthesis suite, C++, ~30 MB of wasm) from `@yowasp/yosys`. The package runs it through
 * jco's preview2 adapter; `gen/yosys.core.wasm` inside it is the original wasm32-wasi command, which we run
 * directly. It reads Verilog and a script through the filesystem, elaborates, optimises, and writes JSON,
 * Verilog and a statistics report: opens, reads, writes, stats and seeks on many files.
 */
jest.setTimeout(120_000);

const yosys = packageFile('@yowasp/yosys', 'gen/yosys.core.wasm');

const design: Record<string, string> = {
  'rtl/counter.v': `module counter #(parameter W = 4) (input clk, input rst, input en, output reg [W-1:0] q);
  always @(posedge clk)
    if (rst) q <= 0; else if (en) q <= q + 1'b1;
endmodule
`,
  'rtl/top.v': `module top (input clk, input rst, input [1:0] op, input [7:0] a, input [7:0] b, output reg [7:0] y, output [3:0] n);
  reg [1:0] state;
  always @(posedge clk) begin
    if (rst) state <= 0;
    else case (state) 0: state <= 1; 1: state <= op[0] ? 2 : 1; 2: state <= 3; default: state <= 0; endcase
    case (op) 0: y <= a + b; 1: y <= a - b; 2: y <= a & b; default: y <= a ^ b; endcase
  end
  counter #(.W(4)) c (.clk(clk), .rst(rst), .en(state == 2), .q(n));
endmodule
`,
  'synth.ys': `read_verilog /work/rtl/counter.v
read_verilog /work/rtl/top.v
hierarchy -check -top top
proc; opt; fsm; opt; memory; opt
tee -q -o /work/out/stat.txt stat
write_json /work/out/top.json
write_verilog -noattr /work/out/top.v
`,
  'out/.keep': '',
};
const outputs = ['out/stat.txt', 'out/top.json', 'out/top.v'];

test('yosys.core.wasm is a wasm32-wasi command module', () => {
  expect(describeCommand(yosys)).toEqual({ importModules: ['wasi_snapshot_preview1'], exportsStart: true });
});

test('yosys -V prints the same as under node:wasi', () => {
  const expected = runNodeWasi(yosys, { args: ['yosys', '-V'] });
  const actual = runVos(yosys, { args: ['yosys', '-V'] });
  expect(expected.stdout).toMatch(/^Yosys 0\.55 /);
  expect(actual).toEqual({ ...expected, ms: actual.ms });
});

describe('a synthesis script on the host filesystem (preopens)', () => {
  let nodeDir: string;
  let vosDir: string;
  beforeAll(() => {
    nodeDir = hostDir('yosys-node', design);
    vosDir = hostDir('yosys-vos', design);
  });
  afterAll(() => {
    fs.rmSync(nodeDir, { recursive: true, force: true });
    fs.rmSync(vosDir, { recursive: true, force: true });
  });

  test('writes the same files, stdout, stderr and exit code as node:wasi', () => {
    const args = ['yosys', '-q', '-s', '/work/synth.ys'];
    const expected = runNodeWasi(yosys, { args, preopens: { '/work': nodeDir } });
    const actual = runVos(yosys, { args, preopens: { '/work': vosDir } });
    expect(expected.code).toBe(0);
    expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }).toEqual({ code: 0, stdout: expected.stdout, stderr: expected.stderr });
    const want = readTree(nodeDir);
    expect(Object.keys(want).sort()).toEqual([...Object.keys(design), ...outputs].sort());
    expect(want['out/stat.txt']).toMatch(/Number of cells/);
    expect(readTree(vosDir)).toEqual(want);
    console.log(`yosys synth.ys: node:wasi ${expected.ms} ms, vos ${actual.ms} ms`);
  });
});

describe('the same script in a memory root with a copy-on-write overlay over the project (mounts)', () => {
  let baseline: Record<string, string>;
  let project: string;
  beforeAll(() => {
    const nodeDir = hostDir('yosys-baseline', design);
    try {
      expect(runNodeWasi(yosys, { args: ['yosys', '-q', '-s', '/work/synth.ys'], preopens: { '/work': nodeDir } }).code).toBe(0);
      baseline = readTree(nodeDir);
    } finally {
      fs.rmSync(nodeDir, { recursive: true, force: true });
    }
    project = hostDir('yosys-project', design);
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('outputs land in the overlay upper, byte for byte as node:wasi wrote them; the host is untouched', () => {
    const result = runVosOverlay(yosys, { args: ['yosys', '-q', '-s', '/work/synth.ys'] }, project);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(result.changes).toEqual({ created: outputs, modified: [], deleted: [] });
    for (const name of outputs) expect(result.upper[name]).toBe(baseline[name]);
    expect(Object.keys(readTree(project)).sort()).toEqual(Object.keys(design).sort());
    console.log(`yosys synth.ys on an overlay: vos ${result.ms} ms`);
  });

  test('a script and design that exist only in an in-memory root', () => {
    const files = Object.fromEntries(Object.entries(design).map(([name, text]) => [`work/${name}`, text]));
    const result = runVosInMemory(yosys, { args: ['yosys', '-q', '-s', '/work/synth.ys'] }, files);
    expect(result.code).toBe(0);
    for (const name of outputs) expect(result.files[`work/${name}`]).toBe(baseline[name]);
  });
});

test('a missing input file: the same error message and exit code as node:wasi', () => {
  const dir = hostDir('yosys-missing', {});
  try {
    const args = ['yosys', '-q', '-p', 'read_verilog /work/missing.v'];
    const expected = runNodeWasi(yosys, { args, preopens: { '/work': dir } });
    const actual = runVos(yosys, { args, preopens: { '/work': dir } });
    expect(expected.code).toBe(1);
    expect(expected.stderr).toBe("ERROR: File `/work/missing.v' not found or is a directory\n");
    expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }).toEqual({ code: expected.code, stdout: expected.stdout, stderr: expected.stderr });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
