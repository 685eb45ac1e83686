/**
 * The CLI's quick read path: ListWorkflowExecutions and QueryWorkflow over gRPC (grpc-unary.ts)
 * with only the messages they need (read-api-descriptor.ts), so `mooring app get` and `app list` answer without
 * loading the Temporal SDK and its protobuf tables (~0.5 s of a 2-core machine's CPU per command).
 * Same connection settings, credentials and payload codec as the SDK's client.
 */
import protobuf from 'protobufjs/light.js';
import type { Payload } from '@temporalio/common';
import type { CodecKeyRing } from '../codec-keys.js';
import { mooringPayloadCodec } from '../payload-crypto.js';
import type { PayloadMessageType } from '../payload-crypto.js';
import type { ResolvedConnection } from '../temporal-connection.js';
import { QueryUnanswered, WorkflowNotFound } from '../workflow-reader.js';
import type { ListedWorkflow, WorkflowReader } from '../workflow-reader.js';
import { GRPC_STATUS, GrpcCallError, openChannel } from './grpc-unary.js';
import { READ_API_DESCRIPTOR } from './read-api-descriptor.js';

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService';
const LIST_TIMEOUT_MS = 15_000;
const PAGE_SIZE = 1000;

interface PayloadMessage {
  metadata?: Record<string, Uint8Array>;
  data?: Uint8Array;
}
interface ExecutionInfo {
  execution?: { workflowId?: string };
  memo?: { fields?: Record<string, PayloadMessage> };
  searchAttributes?: { indexedFields?: Record<string, PayloadMessage> };
}
interface ListResponse {
  executions?: ExecutionInfo[];
  nextPageToken?: Uint8Array;
}
interface QueryResponse {
  queryResult?: { payloads?: PayloadMessage[] };
  queryRejected?: { status?: number };
}

export interface GrpcWorkflowReader extends WorkflowReader {
  close(): void;
}

/** Opens a reader on `conn` (no call is made until the first read). */
export function openGrpcReader(conn: ResolvedConnection, keys: CodecKeyRing | undefined): GrpcWorkflowReader {
  const root = protobuf.Root.fromJSON(READ_API_DESCRIPTOR as protobuf.INamespace);
  const type = (name: string): protobuf.Type => root.lookupType(`temporal.api.${name}`);
  const payloadType = type('common.v1.Payload');
  const codec = mooringPayloadCodec(keys, payloadType as unknown as PayloadMessageType);
  const tls = conn.tls;
  const headers: Record<string, string> = { 'temporal-namespace': conn.namespace };
  if (conn.apiKey) headers.authorization = `Bearer ${conn.apiKey}`;
  const channel = openChannel({
    address: conn.address,
    tls: tls && {
      ca: tls.serverRootCACertificate ? Buffer.from(tls.serverRootCACertificate) : undefined,
      cert: tls.clientCertPair ? Buffer.from(tls.clientCertPair.crt) : undefined,
      key: tls.clientCertPair ? Buffer.from(tls.clientCertPair.key) : undefined,
      serverName: tls.serverNameOverride,
    },
    headers,
  });

  async function call<Res>(method: string, request: object, timeoutMs: number): Promise<Res> {
    const req = type(`workflowservice.v1.${method}Request`);
    const res = type(`workflowservice.v1.${method}Response`);
    const answer = await channel.unary(
      `${SERVICE}/${method}`,
      req.encode(req.fromObject(request)).finish(),
      timeoutMs,
    );
    return res.decode(answer) as unknown as Res;
  }

  async function decode(payload: PayloadMessage | undefined): Promise<unknown> {
    if (!payload) return undefined;
    const [plain] = await codec.decode([payload as Payload]);
    const encoding = Buffer.from(plain?.metadata?.encoding ?? new Uint8Array()).toString('utf8');
    const data = Buffer.from(plain?.data ?? new Uint8Array()).toString('utf8');
    if (encoding === 'json/plain') return JSON.parse(data) as unknown;
    if (encoding === 'binary/null') return undefined;
    throw new Error(`Cannot read a payload with encoding "${encoding}" (Mooring writes json/plain)`);
  }

  return {
    async *list(query: string): AsyncIterable<ListedWorkflow> {
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await call<ListResponse>(
          'ListWorkflowExecutions',
          { namespace: conn.namespace, pageSize: PAGE_SIZE, query, nextPageToken },
          LIST_TIMEOUT_MS,
        );
        for (const info of page.executions ?? []) {
          const memo: Record<string, unknown> = {};
          for (const [name, payload] of Object.entries(info.memo?.fields ?? {}))
            memo[name] = await decode(payload);
          const keywords: Record<string, string> = {};
          for (const [name, payload] of Object.entries(info.searchAttributes?.indexedFields ?? {})) {
            const value = await decode(payload);
            if (typeof value === 'string') keywords[name] = value;
          }
          yield { workflowId: info.execution?.workflowId ?? '', memo, keywords };
        }
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
    },

    async query<T>(workflowId: string, queryType: string, timeoutMs: number): Promise<T> {
      let answer: QueryResponse;
      try {
        answer = await call<QueryResponse>(
          'QueryWorkflow',
          { namespace: conn.namespace, execution: { workflowId }, query: { queryType } },
          timeoutMs,
        );
      } catch (err) {
        const code = err instanceof GrpcCallError ? err.code : undefined;
        if (code === GRPC_STATUS.NOT_FOUND)
          throw new WorkflowNotFound(`workflow ${workflowId} not found`, { cause: err });
        if (code === GRPC_STATUS.DEADLINE_EXCEEDED)
          throw new QueryUnanswered(`no worker answered the ${queryType} query of ${workflowId}`, {
            cause: err,
          });
        throw err;
      }
      if (answer.queryRejected) throw new Error(`The ${queryType} query of ${workflowId} was rejected`);
      return (await decode(answer.queryResult?.payloads?.[0])) as T;
    },

    close(): void {
      channel.close();
    },
  };
}
