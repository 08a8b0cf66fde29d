/**
 * fairlink/protocols: the lecture's protocols and the course's labs, written to be read: the
 * stubborn and perfect links, the two generals, lab 1's reliable send and key-value store,
 * Lamport and vector clocks, Cristian's clock sync, and Raft with its state machines.
 *
 * @module fairlink/protocols
 */

export * from './index.js';
