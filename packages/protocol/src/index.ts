export * from './errors.js';
export * from './session.js';
export * from './catalog.js';
export * from './visemes.js';
export * from './stream.js';
export * from './avatar.js';
