export * from './certification-view';
export * from './certification-view.projection';
export * from './certification-view.queries';
