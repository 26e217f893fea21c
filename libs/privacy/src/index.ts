export * from './key-provider';
export * from './key-store';
export * from './list-cursors';
export * from './opaque-positions';
export * from './personal-data-cipher';
export * from './personal-data-codec';
export * from './privacy.module';
export * from './request-hasher';
