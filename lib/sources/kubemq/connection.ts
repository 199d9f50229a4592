/**
 * A KubeMQ connection for the queue and events sources: the generated gRPC client with the
 * connector's transport settings (createGrpcClient), auth metadata, deadlines and Ping.
 */
import grpc from "@grpc/grpc-js";
import { kubemqPb as pb } from "./pb.ts";
import {
  type Callback,
  createGrpcClient,
  describeGrpcError,
  type PbPingClient,
} from "../kubemq_query/client.ts";
import type { KubemqClientConfig } from "../kubemq_query/query_client.ts";
import type {
  PbEvent,
  PbEventReceive,
  PbEventsSubscribe,
  PbQueueMessage,
  PbQueueMessagePolicy,
  PbResult,
  PbSendQueueMessageResult,
  PbStreamQueueMessagesRequest,
  PbStreamQueueMessagesResponse,
} from "./pb_types.ts";

/** A bidirectional gRPC stream. */
export interface DuplexStream<Req, Res> {
  write(req: Req): boolean;
  cancel(): void;
  on(event: "data", listener: (res: Res) => void): DuplexStream<Req, Res>;
  on(event: "error", listener: (err: grpc.ServiceError) => void): DuplexStream<Req, Res>;
  on(event: "status", listener: (status: grpc.StatusObject) => void): DuplexStream<Req, Res>;
}

/** A server stream. */
export interface ServerStream<Res> {
  on(event: "data", listener: (res: Res) => void): ServerStream<Res>;
  on(event: "error", listener: (err: grpc.ServiceError) => void): ServerStream<Res>;
  on(event: "status", listener: (status: grpc.StatusObject) => void): ServerStream<Res>;
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** The RPCs of the generated client that these sources use. */
export interface PbQueuesEventsClient extends PbPingClient {
  sendQueueMessage(
    msg: PbQueueMessage,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: Callback<PbSendQueueMessageResult>,
  ): void;
  streamQueueMessage(
    md: grpc.Metadata,
  ): DuplexStream<PbStreamQueueMessagesRequest, PbStreamQueueMessagesResponse>;
  sendEvent(ev: PbEvent, md: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<PbResult>): void;
  subscribeToEvents(sub: PbEventsSubscribe, md: grpc.Metadata): ServerStream<PbEventReceive>;
  close(): void;
}

/** The generated message classes these sources build. */
export interface PbClasses {
  Empty: new () => unknown;
  QueueMessage: new () => PbQueueMessage;
  QueueMessagePolicy: new () => PbQueueMessagePolicy;
  StreamQueueMessagesRequest: new () => PbStreamQueueMessagesRequest;
  Event: new () => PbEvent;
  Subscribe: new () => PbEventsSubscribe;
}
// The one loaded module (pb.ts), seen through the few classes this file uses.
export const pbClasses = pb as unknown as PbClasses;

/** An open connection. */
export interface Connection {
  client: PbQueuesEventsClient;
  /** Fresh metadata with the auth token. */
  metadata(): grpc.Metadata;
  /** Call options with a deadline `ms` from now. */
  deadline(ms: number): grpc.CallOptions;
  /** Renders a gRPC error without the auth token. */
  describe(err: unknown): string;
  /** Ping with auth; rejects with a readable Error on failure, timeout or abort. */
  ping(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** Opens (lazily) a connection. */
export function openConnection(config: KubemqClientConfig): Connection {
  const client = createGrpcClient(config) as unknown as PbQueuesEventsClient;
  const token = config.authToken;
  const metadata = () => {
    const md = new grpc.Metadata();
    if (token !== undefined && token !== "") md.set("authorization", token);
    return md;
  };
  const describe = (err: unknown) => describeGrpcError(err, token);
  const deadline = (ms: number) => ({ deadline: new Date(Date.now() + ms) });
  return {
    client,
    metadata,
    deadline,
    describe,
    ping(timeoutMs, signal) {
      return new Promise((resolve, reject) => {
        const cancel = () => call.cancel();
        const call = client.ping(new pbClasses.Empty(), metadata(), deadline(timeoutMs), (err) => {
          signal?.removeEventListener("abort", cancel);
          if (err) reject(new Error(describe(err)));
          else resolve();
        });
        if (signal?.aborted) cancel();
        else signal?.addEventListener("abort", cancel);
      });
    },
    close: () => client.close(),
  };
}
