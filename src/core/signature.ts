/**
 * Signatures: what stops a Byzantine node from impersonating a correct one.
 *
 * Engines compute signatures with a key the protocol code never sees (the
 * simulator: an HMAC keyed per run; the runtime: the cluster key and node
 * identity), so a node can sign only as itself and anyone can verify.
 */

declare const signatureBrand: unique symbol;

/** An opaque signature, plain data (a string) so it can travel in messages. */
export type Signature = string & { readonly [signatureBrand]: 'Signature' };
