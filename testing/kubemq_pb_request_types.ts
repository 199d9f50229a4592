/**
 * Types of the kubemq-js 1.2.3 generated protobuf messages (its kubemq_pb.d.ts is empty). Type
 * declarations only: the module itself is loaded once, by ./kubemq_pb.ts, for the tests, tools
 * and bench.
 */

/** A protobuf map<string,string> (Tags). */
export interface PbTagsMap {
  set(key: string, value: string): unknown;
  toArray(): [string, string][];
}

/** kubemq.Request: a query or command, as sent and as received by a subscriber. */
export interface PbRequest {
  setRequestid(v: string): void;
  setRequesttypedata(v: number): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setMetadata(v: string): void;
  setBody(v: Uint8Array): void;
  setReplychannel(v: string): void;
  setTimeout(v: number): void;
  getTagsMap(): PbTagsMap;
  getRequestid(): string;
  getRequesttypedata(): number;
  getClientid(): string;
  getChannel(): string;
  getMetadata(): string;
  getBody_asU8(): Uint8Array;
  getReplychannel(): string;
  getTimeout(): number;
}

/** kubemq.Response: a responder's answer, as sent and as the sender receives it. */
export interface PbResponse {
  setClientid(v: string): void;
  setRequestid(v: string): void;
  setReplychannel(v: string): void;
  setMetadata(v: string): void;
  setBody(v: Uint8Array): void;
  setTimestamp(v: number): void;
  setExecuted(v: boolean): void;
  setError(v: string): void;
  getTagsMap(): PbTagsMap;
  getClientid(): string;
  getRequestid(): string;
  getReplychannel(): string;
  getMetadata(): string;
  getBody_asU8(): Uint8Array;
  getCachehit(): boolean;
  getTimestamp(): number;
  getExecuted(): boolean;
  getError(): string;
}

/** kubemq.Subscribe. */
export interface PbSubscribe {
  setSubscribetypedata(v: number): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setGroup(v: string): void;
}

/** kubemq.PingResult. */
export interface PbPingResult {
  getHost(): string;
  getVersion(): string;
  getServerstarttime(): number;
  getServeruptimeseconds(): number;
}
