export * from './deadline-passed';
export * from './deadline-scheduler';
