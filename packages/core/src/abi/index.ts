export * from './errno';
export * from './constants';
export * from './layouts';
export * from './functions';
