/** Protobuf wire types (private to pb_codec.ts). */

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;
