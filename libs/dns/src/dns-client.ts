import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { connect, isIPv6 } from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import { IntegrationErrorKind, measureIntegrationCall } from '@bf/observability';
import { canonicalName } from './dns-provider';
import { socketErrorKind } from './measured-dns.provider';
import { fromWireData } from './embedded/wire-values';

export interface DnsQuery {
  host: string;
  port: number;
  name: string;
  type: string;
  timeoutMs: number;
  /** Ask over TCP from the start (otherwise UDP, and TCP only when the UDP answer is truncated). */
  tcp?: boolean;
  /** Send an EDNS(0) OPT advertising this UDP size; 0 sends none (classic 512-byte UDP). Default 1232. */
  ednsUdpSize?: number;
}

export interface DnsRecordAnswer {
  name: string;
  type: string;
  ttl: number;
  /** Canonical presentation format, as `canonicalValue` writes it. */
  value: string;
}

export interface DnsQueryResult {
  rcode: string;
  authoritative: boolean;
  answers: DnsRecordAnswer[];
  authority: DnsRecordAnswer[];
  /** Milliseconds from the first packet sent to the answer used (both legs when UDP was truncated). */
  ms: number;
  /** Which transport the answer came over. */
  transport: 'udp' | 'tcp';
  /** True when a UDP answer came back truncated and the query was repeated over TCP. */
  retriedOverTcp: boolean;
}

/**
 * A stub query to one server, without recursion: what the dns step and the
 * tests use to see what an authoritative server really answers. Rejects on
 * timeout or a connection failure; any rcode is a result, not an error.
 */
export function queryDns(query: DnsQuery): Promise<DnsQueryResult> {
  // Measured as integration="dns", provider="wire": the queries that verify a change and validate a run.
  return measureIntegrationCall({ integration: 'dns', provider: 'wire', operation: 'query' }, () => exchange(query), { classify: socketErrorKind, judge: failedRcode });
}

/** An answer that says the server could not or would not answer; NXDOMAIN and empty answers are answers. */
function failedRcode(result: DnsQueryResult): IntegrationErrorKind | null {
  return ['SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP'].includes(result.rcode) ? 'fault' : null;
}

async function exchange(query: DnsQuery): Promise<DnsQueryResult> {
  const started = performance.now();
  const message = encodeQuery(query);
  const id = message.readUInt16BE(0);
  if (!query.tcp) {
    const response = await exchangeUdp(query, message, id);
    if (!response.flag_tc) return toResult(response, started, 'udp', false);
  }
  const response = await exchangeTcp(query, message, id);
  return toResult(response, started, 'tcp', !query.tcp);
}

function encodeQuery(query: DnsQuery): Buffer {
  const udpSize = query.ednsUdpSize ?? 1232;
  return packet.encode({
    type: 'query',
    id: randomInt(0, 0x10000),
    flags: 0,
    questions: [{ name: canonicalName(query.name) || '.', type: query.type.toUpperCase() as RecordType, class: 'IN' }],
    additionals: udpSize > 0 ? [{ name: '.', type: 'OPT', udpPayloadSize: udpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

/** Our answer: the right id and the question we asked (anything else on the socket is ignored, as a stub resolver does). */
function matches(response: DecodedPacket, id: number, query: DnsQuery): boolean {
  const question = response.questions?.[0];
  return response.id === id && response.type === 'response' && !!question && canonicalName(question.name) === canonicalName(query.name);
}

function timeoutError(query: DnsQuery, transport: string): Error {
  return Object.assign(new Error(`no DNS answer from ${query.host}:${query.port} over ${transport} within ${query.timeoutMs} ms`), { code: 'ETIMEOUT' });
}

function exchangeUdp(query: DnsQuery, message: Buffer, id: number): Promise<DecodedPacket> {
  const socket = createSocket(isIPv6(query.host) ? 'udp6' : 'udp4');
  return new Promise<DecodedPacket>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(timeoutError(query, 'UDP'))), query.timeoutMs);
    socket.on('error', (error) => finish(() => reject(error)));
    socket.on('message', (data) => {
      try {
        const response = packet.decode(data);
        if (matches(response, id, query)) finish(() => resolve(response));
      } catch {
        // Not a DNS message we can read: keep waiting for ours until the timeout.
      }
    });
    socket.send(message, query.port, query.host, (error) => error && finish(() => reject(error)));
  });
}

function exchangeTcp(query: DnsQuery, message: Buffer, id: number): Promise<DecodedPacket> {
  return new Promise<DecodedPacket>((resolve, reject) => {
    const socket = connect({ host: query.host, port: query.port });
    let buffered: Buffer = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => finish(() => reject(timeoutError(query, 'TCP'))), query.timeoutMs);
    function finish(settle: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      settle();
    }
    socket.on('error', (error) => finish(() => reject(error)));
    socket.on('close', () => finish(() => reject(new Error(`${query.host}:${query.port} closed the TCP connection without an answer`))));
    socket.on('connect', () => {
      const frame = Buffer.alloc(2 + message.length);
      frame.writeUInt16BE(message.length, 0);
      message.copy(frame, 2);
      socket.write(frame);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const body = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + body.length);
        try {
          const response = packet.decode(body);
          if (matches(response, id, query)) return finish(() => resolve(response));
        } catch (error) {
          return finish(() => reject(new Error(`undecodable DNS answer over TCP: ${(error as Error).message}`)));
        }
      }
    });
  });
}

function toResult(response: DecodedPacket, started: number, transport: 'udp' | 'tcp', retriedOverTcp: boolean): DnsQueryResult {
  const records = (list: Answer[] | undefined) =>
    (list ?? [])
      .filter((record) => record.type !== 'OPT')
      .map((record) => {
        const withData = record as Answer & { ttl?: number; data: unknown };
        return { name: canonicalName(withData.name), type: withData.type, ttl: withData.ttl ?? 0, value: fromWireData(withData.type, withData.data) };
      });
  return {
    rcode: (response as DecodedPacket & { rcode?: string }).rcode ?? 'NOERROR',
    authoritative: response.flag_aa,
    answers: records(response.answers),
    authority: records(response.authorities),
    ms: performance.now() - started,
    transport,
    retriedOverTcp,
  };
}
