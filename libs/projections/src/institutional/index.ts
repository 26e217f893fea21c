export * from './matter-view';
export * from './matter-view.projection';
export * from './matter-view.queries';
