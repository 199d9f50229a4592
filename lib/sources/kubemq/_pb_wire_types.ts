/** Protobuf wire types (private to the codec: pb_codec.ts, pb_queues.ts, pb_events.ts). */

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;
