export * from './runner/projection';
export * from './runner/checkpoints';
export * from './runner/read-model-db';
export type { BatchCommitted } from './runner/projection-worker';
export * from './runner/projection-runner';
export * from './runner/projections.module';
export * from './case-view/case-view';
export * from './case-view/case-view.projection';
export * from './case-view/case-view.queries';
