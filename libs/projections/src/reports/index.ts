export * from './report-content-hash';
export * from './published-reports.projection';
export * from './published-reports.queries';
