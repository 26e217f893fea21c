export * from './shared/vocabulary';
export * from './shared/errors';
export * from './shared/violation';
export * from './shared/clock';
export * from './ordinance/ordinance-version';
export * from './case/case.events';
export * from './case/case.commands';
