export * from './event-store.port';
export * from './sqlite/sqlite-event-store';
export * from './eventstoredb/eventstoredb-event-store';
export * from './event-store.module';
export * from './private-files';
export * from './read-past-unreadable';
