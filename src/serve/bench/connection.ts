/**
 * A minimal keep-alive HTTP/1.1 client for the load generator: one request at a time per
 * connection, the request's bytes written at once, the reply read only as far as its status and
 * length. node:http's client spends about as much CPU on a request as the server under test does;
 * on a 2-core machine the generator shares the cores with the server, so what it spends is taken
 * from the side that answers more requests.
 */
import { connect, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

export class LoadConnection {
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: ((status: number) => void) | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /**
   * Sends one request (`head` ends with the blank line) and resolves with the reply's status, or
   * 0 when the connection failed; a failed connection is opened again by the next request.
   */
  send(head: Buffer, body: Buffer): Promise<number> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      const socket = this.#open();
      socket.cork();
      socket.write(head);
      socket.write(body);
      socket.uncork();
    });
  }

  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
  }

  #open(): Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    this.#buffer = Buffer.alloc(0);
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    // A socket this side closed on purpose (or already replaced) settles nothing.
    const fail = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#settle(0);
    };
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', fail);
    socket.on('close', fail);
    this.#socket = socket;
    return socket;
  }

  #settle(status: number): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(status);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.#buffer.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      // Chunked or close-delimited replies are not what the service sends: count it as a failure.
      this.close();
      this.#settle(0);
      return;
    }
    const total = end + HEADER_END.length + Number(length[1]);
    if (this.#buffer.length < total) return;
    this.#buffer = this.#buffer.subarray(total);
    // The server will close this one: the next request opens another.
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    this.#settle(Number.isInteger(status) ? status : 0);
  }
}

/** The bytes before the body of a POST with a JSON body of `length` bytes. */
export function postHead(url: URL, length: number, headers: Record<string, string> = {}): Buffer {
  const lines = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    'content-type: application/json',
    `content-length: ${length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
