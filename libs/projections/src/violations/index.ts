export * from './violation-judgement';
export * from './violation-register.schema';
export * from './violation-register.projection';
export * from './violation-queries';
export * from './rulebook';
export * from './deadline-queries';
