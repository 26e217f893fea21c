export * from './csv';
export * from './suppression';
export * from './statistics-row';
export * from './statistics.projection';
export * from './statistics-queries';
export * from './statistics-csv';
export * from './suppression-thread';
export * from './suppression-decision';
