/**
 * fairlink/trace: the versioned event format every engine writes.
 */

export * from './events.js';
