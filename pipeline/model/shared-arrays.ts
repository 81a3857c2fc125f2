// Tables the serialize thread reads as well as the ranking (reasons.ts, ReasonsInput: the
// name tokens, each token's customers, each customer's newest rows). Made on a
// SharedArrayBuffer, posting them to the thread shares their memory: a copied table exists
// three times at once (the ranking's, the message's, the thread's), at the moment the build's
// memory peaks (the hand-off after the preparation).

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}
