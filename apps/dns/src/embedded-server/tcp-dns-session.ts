import { Socket } from 'node:net';
import { DnsResponder } from './dns-responder';

// A client that pipelines more than this without reading answers is paused until we catch up.
const MAX_PENDING = 64;

/**
 * One TCP connection (RFC 7766): messages framed by a two-byte length, any number
 * per connection, answered in the order they came so a simple client can match them.
 */
export class TcpDnsSession {
  private buffered: Buffer = Buffer.alloc(0);
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly socket: Socket,
    private readonly responder: DnsResponder,
    idleMs: number,
    private readonly onError: (error: Error) => void,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => socket.destroy());
    // A reset by the peer is routine for DNS over TCP; it must not reach the process as an unhandled error.
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (length === 0) return void this.socket.destroy();
      if (this.buffered.length < 2 + length) break;
      const message = this.buffered.subarray(2, 2 + length);
      this.buffered = this.buffered.subarray(2 + length);
      this.enqueue(message);
    }
  }

  private enqueue(message: Buffer): void {
    if (++this.pending >= MAX_PENDING) this.socket.pause();
    this.chain = this.chain.then(async () => {
      try {
        const reply = await this.responder.respond(message, 'tcp');
        if (reply && !this.socket.destroyed) {
          const frame = Buffer.allocUnsafe(2 + reply.length);
          frame.writeUInt16BE(reply.length, 0);
          reply.copy(frame, 2);
          this.socket.write(frame);
        }
      } catch (error) {
        this.onError(error as Error);
      } finally {
        if (--this.pending < MAX_PENDING && this.socket.isPaused()) this.socket.resume();
      }
    });
  }
}
