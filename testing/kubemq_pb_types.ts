/**
 * Types of the kubemq-js 1.2.3 generated queue and events messages (its kubemq_pb.d.ts is empty),
 * next to the query ones in ./kubemq_pb_request_types.ts. Type declarations only: the test
 * clients load the generated module (./kubemq_pb.ts) and view it through these.
 */
import type { PbTagsMap } from "./kubemq_pb_request_types.ts";

/** kubemq.QueueMessageAttributes: set by the server. Timestamps are unix nanoseconds. */
export interface PbQueueMessageAttributes {
  setTimestamp(v: number): void;
  setSequence(v: number): void;
  setMd5ofbody(v: string): void;
  setReceivecount(v: number): void;
  setRerouted(v: boolean): void;
  setReroutedfromqueue(v: string): void;
  setExpirationat(v: number): void;
  setDelayedto(v: number): void;
  getMd5ofbody(): string;
  getTimestamp(): number;
  getSequence(): number;
  getReceivecount(): number;
  getRerouted(): boolean;
  getReroutedfromqueue(): string;
  getExpirationat(): number;
  getDelayedto(): number;
}

/** kubemq.QueueMessagePolicy: set by the sender. */
export interface PbQueueMessagePolicy {
  setExpirationseconds(v: number): void;
  setDelayseconds(v: number): void;
  setMaxreceivecount(v: number): void;
  setMaxreceivequeue(v: string): void;
  getExpirationseconds(): number;
  getDelayseconds(): number;
  getMaxreceivecount(): number;
  getMaxreceivequeue(): string;
}

/** kubemq.QueueMessage. */
export interface PbQueueMessage {
  setMessageid(v: string): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setMetadata(v: string): void;
  setBody(v: Uint8Array): void;
  setPolicy(v: PbQueueMessagePolicy): void;
  setAttributes(v: PbQueueMessageAttributes): void;
  getTagsMap(): PbTagsMap;
  getMessageid(): string;
  getClientid(): string;
  getChannel(): string;
  getMetadata(): string;
  getBody_asU8(): Uint8Array;
  getAttributes(): PbQueueMessageAttributes | undefined;
  getPolicy(): PbQueueMessagePolicy | undefined;
}

/** kubemq.SendQueueMessageResult. */
export interface PbSendQueueMessageResult {
  setMessageid(v: string): void;
  setSentat(v: number): void;
  setExpirationat(v: number): void;
  setDelayedto(v: number): void;
  setIserror(v: boolean): void;
  setError(v: string): void;
  getMessageid(): string;
  getSentat(): number;
  getExpirationat(): number;
  getDelayedto(): number;
  getIserror(): boolean;
  getError(): string;
}

/** kubemq.QueueMessagesBatchRequest. */
export interface PbQueueMessagesBatchRequest {
  setBatchid(v: string): void;
  setMessagesList(v: PbQueueMessage[]): void;
}

/** kubemq.QueueMessagesBatchResponse. */
export interface PbQueueMessagesBatchResponse {
  getResultsList(): PbSendQueueMessageResult[];
  getHaveerrors(): boolean;
}

/** kubemq.ReceiveQueueMessagesRequest. */
export interface PbReceiveQueueMessagesRequest {
  setRequestid(v: string): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setMaxnumberofmessages(v: number): void;
  setWaittimeseconds(v: number): void;
  setIspeak(v: boolean): void;
}

/** kubemq.ReceiveQueueMessagesResponse. */
export interface PbReceiveQueueMessagesResponse {
  getMessagesList(): PbQueueMessage[];
  getMessagesreceived(): number;
  getMessagesexpired(): number;
  getIspeak(): boolean;
  getIserror(): boolean;
  getError(): string;
}

/** kubemq.AckAllQueueMessagesRequest. */
export interface PbAckAllQueueMessagesRequest {
  setRequestid(v: string): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setWaittimeseconds(v: number): void;
}

/** kubemq.AckAllQueueMessagesResponse. */
export interface PbAckAllQueueMessagesResponse {
  getAffectedmessages(): number;
  getIserror(): boolean;
  getError(): string;
}

/** kubemq.StreamQueueMessagesRequest. */
export interface PbStreamQueueMessagesRequest {
  setRequestid(v: string): void;
  setClientid(v: string): void;
  setStreamrequesttypedata(v: number): void;
  setChannel(v: string): void;
  setVisibilityseconds(v: number): void;
  setWaittimeseconds(v: number): void;
  setRefsequence(v: number): void;
  setModifiedmessage(v: PbQueueMessage): void;
  getRequestid(): string;
  getClientid(): string;
  getStreamrequesttypedata(): number;
  getChannel(): string;
  getVisibilityseconds(): number;
  getWaittimeseconds(): number;
  getRefsequence(): number;
  getModifiedmessage(): PbQueueMessage | undefined;
}

/** kubemq.StreamQueueMessagesResponse. */
export interface PbStreamQueueMessagesResponse {
  setRequestid(v: string): void;
  setStreamrequesttypedata(v: number): void;
  setMessage(v: PbQueueMessage): void;
  setIserror(v: boolean): void;
  setError(v: string): void;
  getRequestid(): string;
  getStreamrequesttypedata(): number;
  getMessage(): PbQueueMessage | undefined;
  getIserror(): boolean;
  getError(): string;
}

/** kubemq.Event: sent with SendEvent or SendEventsStream; Store selects events-store. */
export interface PbEvent {
  setEventid(v: string): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setMetadata(v: string): void;
  setBody(v: Uint8Array): void;
  setStore(v: boolean): void;
  getTagsMap(): PbTagsMap;
  getEventid(): string;
  getClientid(): string;
  getChannel(): string;
  getMetadata(): string;
  getBody_asU8(): Uint8Array;
  getStore(): boolean;
}

/** kubemq.EventReceive: an event as a subscriber gets it. Timestamp is unix nanoseconds. */
export interface PbEventReceive {
  setEventid(v: string): void;
  setChannel(v: string): void;
  setMetadata(v: string): void;
  setBody(v: Uint8Array): void;
  setTimestamp(v: number): void;
  setSequence(v: number): void;
  getEventid(): string;
  getChannel(): string;
  getMetadata(): string;
  getBody_asU8(): Uint8Array;
  getTimestamp(): number;
  getSequence(): number;
  getTagsMap(): PbTagsMap;
}

/** kubemq.Result: the answer to SendEvent. */
export interface PbResult {
  setEventid(v: string): void;
  setSent(v: boolean): void;
  setError(v: string): void;
  getEventid(): string;
  getSent(): boolean;
  getError(): string;
}

/** kubemq.Subscribe with the events-store fields. */
export interface PbEventsSubscribe {
  setSubscribetypedata(v: number): void;
  setClientid(v: string): void;
  setChannel(v: string): void;
  setGroup(v: string): void;
  setEventsstoretypedata(v: number): void;
  setEventsstoretypevalue(v: number): void;
  getEventsstoretypedata(): number;
  getEventsstoretypevalue(): number;
}

// The enums are the connector's own (its codec); the tests share them.
export { StreamRequestType } from "../lib/sources/kubemq/pb_queues.ts";
export {
  EventsStoreType,
  EventsSubscribeType,
  type StartPosition,
} from "../lib/sources/kubemq/pb_events.ts";
