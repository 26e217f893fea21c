/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // NestJS 12 and these packages ship ESM only; Jest must transform them to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@apidevtools|uuid|jose|canonicalize|commander|content-disposition)/)'],
  moduleNameMapper: {
    '^@trust-ledger/(domain|event-store|projections|integrity|privacy)$': '<rootDir>/libs/$1/src',
    '^@trust-ledger/(domain|event-store|projections|integrity|privacy)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
