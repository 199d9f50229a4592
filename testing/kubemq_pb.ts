/**
 * The one loader of kubemq-js 1.2.3's generated protobuf module (`kubemq-js/lib/protos`): its
 * message classes and gRPC client, typed (its kubemq_pb.d.ts is empty). The reference that the
 * connector's own codec is property-tested against, and the grpc-js clients of the tests, tools
 * and bench, load it through here; the connector never does.
 *
 * Loading this module loads @grpc/grpc-js, which reads GRPC_* and proxy variables as it loads: a
 * CLI that runs without --allow-env imports it dynamically, after hiding those variables
 * (tools/lib/kubemq_sender.ts).
 *
 * @example
 * ```ts
 * import { kubemqPb } from "./kubemq_pb.ts";
 * const req = new kubemqPb.Request();
 * req.setChannel("query.aws.s3");
 * const bytes = req.serializeBinary();
 * ```
 * @module
 */
import type * as grpc from "@grpc/grpc-js";
import pb from "kubemq-js/lib/protos/index.js";
import type {
  PbPingResult,
  PbRequest,
  PbResponse,
  PbSubscribe,
} from "./kubemq_pb_request_types.ts";
import type {
  PbAckAllQueueMessagesRequest,
  PbAckAllQueueMessagesResponse,
  PbEvent,
  PbEventReceive,
  PbEventsSubscribe,
  PbQueueMessage,
  PbQueueMessageAttributes,
  PbQueueMessagePolicy,
  PbQueueMessagesBatchRequest,
  PbQueueMessagesBatchResponse,
  PbReceiveQueueMessagesRequest,
  PbReceiveQueueMessagesResponse,
  PbResult,
  PbSendQueueMessageResult,
  PbStreamQueueMessagesRequest,
  PbStreamQueueMessagesResponse,
} from "./kubemq_pb_types.ts";

/** What every generated message has: its protobuf encoding. */
export interface PbMessage {
  serializeBinary(): Uint8Array;
}

/** A generated message class: `new` and decoding from bytes. */
export interface PbMessageClass<T> {
  new (): T & PbMessage;
  deserializeBinary(bytes: Uint8Array): T & PbMessage;
}

/** kubemq.Subscribe, read back (the setters are in PbSubscribe and PbEventsSubscribe). */
export interface PbSubscribeFields {
  getSubscribetypedata(): number;
  getClientid(): string;
  getChannel(): string;
  getGroup(): string;
}

/** kubemq.PingResult as a responder builds it. */
export interface PbPingResultSetters {
  setHost(v: string): void;
  setVersion(v: string): void;
  setServerstarttime(v: number): void;
  setServeruptimeseconds(v: number): void;
}

/** A unary call's callback. */
export type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;

/** A server stream (SubscribeToRequests, SubscribeToEvents). */
export interface ReadStream<Res> {
  on(event: "data", listener: (res: Res) => void): ReadStream<Res>;
  on(event: "error", listener: (err: grpc.ServiceError) => void): ReadStream<Res>;
  on(event: "status", listener: (status: grpc.StatusObject) => void): ReadStream<Res>;
  on(event: "end", listener: () => void): ReadStream<Res>;
  cancel(): void;
}

/** A bidirectional stream (StreamQueueMessage, SendEventsStream). */
export interface Duplex<Req, Res> {
  write(req: Req): boolean;
  end(): void;
  cancel(): void;
  on(event: "data", listener: (res: Res) => void): Duplex<Req, Res>;
  on(event: "error", listener: (err: grpc.ServiceError) => void): Duplex<Req, Res>;
  on(event: "status", listener: (status: grpc.StatusObject) => void): Duplex<Req, Res>;
}

/** The generated kubemq gRPC client: the calls the harness makes. */
export interface KubemqGrpcClient {
  ping(req: unknown, md: grpc.Metadata, cb: Callback<PbPingResult>): void;
  sendRequest(
    req: PbRequest,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: Callback<PbResponse>,
  ): void;
  sendResponse(res: PbResponse, md: grpc.Metadata, cb: Callback<unknown>): void;
  subscribeToRequests(sub: PbSubscribe, md: grpc.Metadata): ReadStream<PbRequest>;
  sendQueueMessage(
    m: PbQueueMessage,
    md: grpc.Metadata,
    cb: Callback<PbSendQueueMessageResult>,
  ): void;
  sendQueueMessagesBatch(
    b: PbQueueMessagesBatchRequest,
    md: grpc.Metadata,
    cb: Callback<PbQueueMessagesBatchResponse>,
  ): void;
  receiveQueueMessages(
    r: PbReceiveQueueMessagesRequest,
    md: grpc.Metadata,
    cb: Callback<PbReceiveQueueMessagesResponse>,
  ): void;
  ackAllQueueMessages(
    r: PbAckAllQueueMessagesRequest,
    md: grpc.Metadata,
    cb: Callback<PbAckAllQueueMessagesResponse>,
  ): void;
  streamQueueMessage(
    md: grpc.Metadata,
  ): Duplex<PbStreamQueueMessagesRequest, PbStreamQueueMessagesResponse>;
  sendEvent(e: PbEvent, md: grpc.Metadata, cb: Callback<PbResult>): void;
  sendEventsStream(md: grpc.Metadata): Duplex<PbEvent, PbResult>;
  subscribeToEvents(s: PbEventsSubscribe, md: grpc.Metadata): ReadStream<PbEventReceive>;
  close(): void;
}

/** The generated module, as the harness uses it. */
export interface KubemqPb {
  kubemqClient: new (
    address: string,
    credentials: grpc.ChannelCredentials,
    options: grpc.ChannelOptions,
  ) => KubemqGrpcClient;
  Empty: PbMessageClass<unknown>;
  Request: PbMessageClass<PbRequest>;
  Response: PbMessageClass<PbResponse>;
  Subscribe: PbMessageClass<PbSubscribe & PbEventsSubscribe & PbSubscribeFields>;
  PingResult: PbMessageClass<PbPingResult & PbPingResultSetters>;
  QueueMessage: PbMessageClass<PbQueueMessage>;
  QueueMessageAttributes: PbMessageClass<PbQueueMessageAttributes>;
  QueueMessagePolicy: PbMessageClass<PbQueueMessagePolicy>;
  SendQueueMessageResult: PbMessageClass<PbSendQueueMessageResult>;
  QueueMessagesBatchRequest: PbMessageClass<PbQueueMessagesBatchRequest>;
  ReceiveQueueMessagesRequest: PbMessageClass<PbReceiveQueueMessagesRequest>;
  AckAllQueueMessagesRequest: PbMessageClass<PbAckAllQueueMessagesRequest>;
  StreamQueueMessagesRequest: PbMessageClass<PbStreamQueueMessagesRequest>;
  StreamQueueMessagesResponse: PbMessageClass<PbStreamQueueMessagesResponse>;
  Event: PbMessageClass<PbEvent>;
  EventReceive: PbMessageClass<PbEventReceive>;
  Result: PbMessageClass<PbResult>;
}

// A default import: under Deno the CommonJS module's named exports come out undefined.
/** kubemq-js's generated messages and gRPC client. */
export const kubemqPb: KubemqPb = pb as unknown as KubemqPb;
