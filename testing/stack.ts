/**
 * The whole real path for end-to-end tests: a test broker, the connector started with its
 * production permissions, and a kubemq-js client sending wire-format queries.
 */
import { decodeResponse, encodeRequest, type TargetResponse } from "../lib/wire.ts";
import { startTestBroker, type TestBroker } from "./broker.ts";
import {
  type ConnectorOptions,
  startConnector,
  type TestBinding,
  type TestConnector,
} from "./connector.ts";
import { createKubemqClient, type KubemqTestClient } from "./kubemq_client.ts";

/** A running stack. */
export interface TestStack {
  broker: TestBroker;
  connector: TestConnector;
  client: KubemqTestClient;
  channel: string;
  /** Sends one request (metadata and raw data) and decodes the response body. */
  ask(
    metadata: Record<string, string>,
    data?: Uint8Array | string | null,
    timeoutMs?: number,
  ): Promise<TargetResponse>;
  /** Sends a raw body and decodes the response body. */
  askRaw(body: Uint8Array, timeoutMs?: number): Promise<TargetResponse>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

let counter = 0;

/** Starts broker + connector (one binding unless `bindings` says otherwise) + client. */
export async function startStack(
  options: {
    source?: Record<string, string>;
    properties?: Record<string, string>;
    target?: Record<string, string>;
    top?: ConnectorOptions["top"];
    env?: Record<string, string>;
    broker?: Parameters<typeof startTestBroker>[0];
  } = {},
): Promise<TestStack> {
  const broker = await startTestBroker(options.broker ?? {});
  const channel = `e2e.s3.${Date.now().toString(36)}.${counter++}`;
  let connector: TestConnector;
  try {
    const binding: TestBinding = {
      name: "e2e",
      properties: options.properties ?? {},
      source: { address: broker.address, channel, ...options.source },
      ...(options.target ? { target: options.target } : {}),
    };
    connector = await startConnector({
      bindings: [binding],
      top: options.top ?? {},
      env: options.env ?? {},
    });
    await broker.waitForSubscribers(channel, 1, 10_000);
  } catch (err) {
    await broker.close();
    throw err;
  }
  const client = createKubemqClient({
    address: broker.address,
    ...(options.source?.auth_token ? { authToken: options.source.auth_token } : {}),
  });
  const askRaw = async (body: Uint8Array, timeoutMs = 30_000) => {
    const res = await client.sendQuery({ channel, body, timeoutMs });
    if (!res.executed) throw new Error(`query not executed: ${res.error}`);
    return decodeResponse(res.body);
  };
  const close = async () => {
    client.close();
    await connector.stop("SIGTERM");
    await broker.close();
  };
  return {
    broker,
    connector,
    client,
    channel,
    ask: (metadata, data = null, timeoutMs) =>
      askRaw(
        encodeRequest({
          metadata,
          data: typeof data === "string" ? new TextEncoder().encode(data) : data,
        }),
        timeoutMs,
      ),
    askRaw,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Parses a response's data as JSON. */
export function dataJson<T = Record<string, unknown>>(res: TargetResponse): T {
  if (res.data === null) throw new Error(`no data in response: ${JSON.stringify(res)}`);
  return JSON.parse(new TextDecoder().decode(res.data)) as T;
}
