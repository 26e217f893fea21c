export * from './hash-chain';
export * from './hash-chaining-event-store';
export * from './checkpoint';
export * from './checkpointer';
export * from './verify';
export * from './evidence/signing-key';
export * from './evidence/evidence';
export * from './integrity.module';
