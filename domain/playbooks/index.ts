export * from './schema';
export * from './select';
