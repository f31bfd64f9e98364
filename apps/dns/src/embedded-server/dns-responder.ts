import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Question } from 'dns-packet';
import { AuthoritativeAnswerer } from './authoritative-answerer';

export type Transport = 'udp' | 'tcp';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type RcodeName = keyof typeof RCODE;
/** RFC 1035 §4.2.1: the most a UDP answer may carry when the client did not say more with EDNS. */
const CLASSIC_UDP_LIMIT = 512;
/** Upper bound on a client's advertised size; beyond this, fragmentation makes UDP worse than TCP. */
const MAX_UDP_LIMIT = 4096;
/** What we tell clients we accept: the DNS Flag Day 2020 size, which avoids fragmentation on common paths. */
const ADVERTISED_UDP_SIZE = 1232;
const HEADER_BYTES = 12;

interface Reply {
  id: number;
  flags: number;
  questions: Question[];
  answers?: Answer[];
  authorities?: Answer[];
  opt?: OptAnswer;
}

/**
 * One DNS message in, one out (or nothing): decoding, header rules, EDNS and
 * truncation. The sockets stay in the server; the authoritative decision stays
 * in the answerer. Never throws: every failure becomes FORMERR, SERVFAIL or a drop.
 */
export class DnsResponder {
  constructor(
    private readonly answerer: AuthoritativeAnswerer,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async respond(message: Buffer, transport: Transport): Promise<Buffer | null> {
    // Too short to carry an id, or itself a response: answering could only feed a reflection loop.
    if (message.length < HEADER_BYTES || (message[2] & 0x80) !== 0) return null;
    const id = message.readUInt16BE(0);
    const opcodeBits = message[2] & 0x78;
    const rd = message[2] & 0x01 ? packet.RECURSION_DESIRED : 0;
    let query: DecodedPacket;
    try {
      query = packet.decode(message);
    } catch {
      return encodeSafely({ id, flags: opcodeBits << 8 | rd | RCODE.FORMERR, questions: [] }, transport, CLASSIC_UDP_LIMIT);
    }
    const questions = query.questions ?? [];
    const opts = (query.additionals ?? []).filter((record): record is OptAnswer => record.type === 'OPT');
    const opt = opts[0];
    const limit = opt ? Math.max(CLASSIC_UDP_LIMIT, Math.min(opt.udpPayloadSize, MAX_UDP_LIMIT)) : CLASSIC_UDP_LIMIT;
    const reply = (rcode: RcodeName, extra: Partial<Reply> = {}) =>
      encodeSafely({ id, flags: (opcodeBits << 8) | rd | RCODE[rcode], questions, opt: opt ? ourOpt() : undefined, ...extra }, transport, limit);

    if (opcodeBits !== 0) return reply('NOTIMP');
    if (questions.length !== 1 || opts.length > 1) return reply('FORMERR');
    // RFC 6891 §6.1.3: we speak EDNS version 0 only; BADVERS (16) is split between the OPT and the header.
    if (opt && opt.ednsVersion > 0) return reply('NOERROR', { opt: ourOpt(1) });
    const [question] = questions;
    if (question.class !== 'IN') return reply('REFUSED');
    if (question.type === 'AXFR' || question.type === 'IXFR') return reply('NOTIMP');
    try {
      const resolution = await this.answerer.resolve(question.name, question.type);
      const aa = resolution.authoritative ? packet.AUTHORITATIVE_ANSWER : 0;
      return encodeSafely(
        {
          id,
          flags: rd | aa | RCODE[resolution.rcode],
          questions,
          answers: resolution.answers,
          authorities: resolution.authorities,
          opt: opt ? ourOpt() : undefined,
        },
        transport,
        limit,
      );
    } catch (error) {
      // A database outage or a stored value we cannot encode: this query fails, the server goes on.
      this.onError(error as Error);
      return reply('SERVFAIL');
    }
  }
}

function ourOpt(extendedRcode = 0): OptAnswer {
  return { name: '.', type: 'OPT', udpPayloadSize: ADVERTISED_UDP_SIZE, extendedRcode, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/** Encodes the reply; over UDP, one that does not fit is sent without records and with TC, so the client retries over TCP. */
function encodeSafely(reply: Reply, transport: Transport, udpLimit: number): Buffer {
  const additionals = reply.opt ? [reply.opt] : [];
  const full = { type: 'response' as const, id: reply.id, flags: reply.flags, questions: reply.questions, answers: reply.answers ?? [], authorities: reply.authorities ?? [], additionals };
  try {
    const encoded = packet.encode(full);
    if (transport === 'tcp' || encoded.length <= udpLimit) return encoded;
    return packet.encode({ ...full, flags: full.flags | packet.TRUNCATED_RESPONSE, answers: [], authorities: [] });
  } catch {
    // The question itself does not re-encode (odd label bytes): answer with the header only.
    return packet.encode({ type: 'response', id: reply.id, flags: (reply.flags & ~0xf) | RCODE.SERVFAIL, questions: [], answers: [], authorities: [], additionals: [] });
  }
}
