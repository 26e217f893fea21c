export * from './ordinance-history.provider';
