export * from './deadline-queries';
