export * from './fs';
export * from './clock';
export * from './random';
export * from './stdio';
export * from './fs-contract';
export * from './async';
export * from './base';
export * from './store';
