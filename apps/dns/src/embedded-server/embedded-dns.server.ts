import { createSocket, RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { AddressInfo, createServer, isIPv6, Server as TcpServer, Socket } from 'node:net';
import { AuthoritativeAnswerer } from './authoritative-answerer';
import { DnsResponder } from './dns-responder';
import { TcpDnsSession } from './tcp-dns-session';
import { ZoneLookup } from './zone-lookup';

export interface EmbeddedDnsServerOptions {
  host: string;
  /** 0 picks a free port, the same for UDP and TCP; `port` tells which once started. */
  port: number;
  /** Called for every failure the server survives (socket errors, lookups that failed). */
  onError?: (error: Error) => void;
  /** Idle TCP connections are closed after this long (RFC 7766 §6.2.3 suggests seconds, not minutes). */
  tcpIdleMs?: number;
}

// With port 0, UDP picks the port and TCP may find it taken by someone else: try a few fresh ones.
const EPHEMERAL_BIND_ATTEMPTS = 5;

/** The embedded authoritative DNS server: UDP and TCP on one host and port, answering from a ZoneLookup. */
export class EmbeddedDnsServer {
  private udp: UdpSocket | null = null;
  private tcp: TcpServer | null = null;
  private readonly sessions = new Set<Socket>();
  private readonly responder: DnsResponder;
  private readonly onError: (error: Error) => void;
  private boundPort = 0;

  constructor(
    lookup: ZoneLookup,
    private readonly options: EmbeddedDnsServerOptions,
  ) {
    this.onError = options.onError ?? (() => undefined);
    this.responder = new DnsResponder(new AuthoritativeAnswerer(lookup), this.onError);
  }

  /** The port both sockets listen on; 0 before start. */
  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host;
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.udp) throw new Error('the embedded DNS server is already started');
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp(this.options.port);
      const port = (udp.address() as AddressInfo).port;
      try {
        this.tcp = await this.listenTcp(port);
        this.udp = udp;
        this.boundPort = port;
        return { host: this.options.host, port };
      } catch (error) {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        const retry = this.options.port === 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < EPHEMERAL_BIND_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    this.boundPort = 0;
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  private bindUdp(port: number): Promise<UdpSocket> {
    const socket = createSocket(isIPv6(this.options.host) ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.options.host, () => {
        socket.off('error', reject);
        // After bind, an error (e.g. ICMP unreachable on send) is reported and the socket keeps serving.
        socket.on('error', this.onError);
        socket.on('message', (message, peer) => this.answerUdp(socket, message, peer));
        resolve(socket);
      });
    });
  }

  private answerUdp(socket: UdpSocket, message: Buffer, peer: RemoteInfo): void {
    this.responder
      .respond(message, 'udp')
      .then((reply) => {
        if (reply && this.udp === socket) socket.send(reply, peer.port, peer.address, (error) => error && this.onError(error));
      })
      .catch(this.onError);
  }

  private listenTcp(port: number): Promise<TcpServer> {
    const server = createServer((socket) => {
      this.sessions.add(socket);
      socket.once('close', () => this.sessions.delete(socket));
      new TcpDnsSession(socket, this.responder, this.options.tcpIdleMs ?? 10_000, this.onError);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', this.onError);
        resolve(server);
      });
    });
  }
}
