/** Jest runs TypeScript through ts-jest (transpile only; `npm run typecheck` does the type check). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js|mjs)$': ['<rootDir>/test/jest/esm-transform.js', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
  },
  // These packages ship ESM only (even under "require"); ts-jest turns them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@dfinity/ledger-icrc|@dfinity/utils|@icp-sdk/canisters|azle)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 300000,
  maxWorkers: 2,
};
