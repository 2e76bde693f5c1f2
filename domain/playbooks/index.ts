export * from './schema';
export * from './select';
export * from './template-coverage';
