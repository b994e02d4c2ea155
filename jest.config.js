/** @type {import('jest').Config} */
// Tests run against the TypeScript sources (mapped below), so `npm test` needs no build step;
// `npm run build` (run by `npm ci` through `prepare`) type-checks everything.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    // npm dependencies that ship only ES modules, rewritten to CommonJS for jest (tests/helpers/esm-to-cjs.js).
    '/node_modules/modern-tar/.+\\.js$': '<rootDir>/tests/helpers/esm-to-cjs.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!modern-tar/)'],
  moduleNameMapper: {
    '^@vos/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    // Nothing native or foreign runs in a jest worker: node:wasi only in child processes (tests/helpers/child.ts).
    '^(node:)?wasi$': '<rootDir>/tests/helpers/no-node-wasi.js',
  },
  testTimeout: 30000,
  setupFiles: ['<rootDir>/tests/helpers/jest-js-path.js'],
  // dist/ is built once here, never by a test file (tests/helpers/global-setup.js says why).
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
};
