// JSON-RPC over a WebSocket: one message per text frame, for vscode-jsonrpc's createMessageConnection.
// Both ends use it (daemon and extension), so it imports nothing Node-only beyond ws's types.
import type { RawData, WebSocket } from 'ws';
import {
  AbstractMessageReader, AbstractMessageWriter, Disposable, ErrorCodes as RpcErrorCodes,
  type DataCallback, type Message, type MessageReader, type MessageWriter,
} from 'vscode-jsonrpc';
import { ErrorCodes } from '../protocol/errors.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface ReaderOptions {
  /** Frames longer than this are refused with a MessageTooLarge error instead of being parsed. */
  maxMessageBytes?: number;
  /** Answer frames that are too large, not JSON or not JSON-RPC with an error response (the daemon's side). */
  answerBadFrames?: boolean;
}

export class WebSocketMessageReader extends AbstractMessageReader implements MessageReader {
  private callback: DataCallback | undefined;
  private readonly maxBytes: number;

  constructor(private readonly socket: WebSocket, private readonly options: ReaderOptions = {}) {
    super();
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', () => this.fireClose());
    socket.on('error', (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    return Disposable.create(() => { this.callback = undefined; });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const bytes = frameBytes(data);
    if (bytes.byteLength > this.maxBytes && !this.options.answerBadFrames && isResponseHead(bytes)) {
      // An answer too large to take: fail the request that asked for it rather than leave it pending.
      const id = idNear(bytes);
      if (id !== null) {
        this.callback?.({ jsonrpc: '2.0', id, error: { code: ErrorCodes.MessageTooLarge,
          message: `The daemon's answer of ${bytes.byteLength} bytes is over the limit of ${this.maxBytes} bytes (a very large file in a diff?).` } } as Message);
        return;
      }
    }
    if (bytes.byteLength > this.maxBytes) {
      this.refuse(idNear(bytes), ErrorCodes.MessageTooLarge,
        `Message of ${bytes.byteLength} bytes refused: the limit is ${this.maxBytes} bytes. Send smaller pieces.`);
      return;
    }
    if (isBinary) {
      this.refuse(null, RpcErrorCodes.InvalidRequest, 'Binary frames are not accepted: send each JSON-RPC message as one text frame.');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      this.refuse(null, RpcErrorCodes.ParseError, `Parse error: the frame is not valid JSON (${(error as Error).message}).`);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message) || (message as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
      const id = (message as { id?: unknown } | null)?.id;
      this.refuse(typeof id === 'number' || typeof id === 'string' ? id : null, RpcErrorCodes.InvalidRequest,
        'Invalid Request: expected one JSON-RPC 2.0 object per frame (batches are not supported).');
      return;
    }
    this.callback?.(message as Message);
  }

  private refuse(id: number | string | null, code: number, text: string): void {
    if (!this.options.answerBadFrames) {
      this.fireError(new Error(text));
      return;
    }
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message: text } }));
    }
  }
}

export class WebSocketMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly socket: WebSocket) {
    super();
    socket.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) {
      return Promise.reject(new Error('The connection to the Tandem daemon is closed.'));
    }
    return new Promise((resolve, reject) => {
      // ws keeps frames in order; the callback only reports whether this one left.
      this.socket.send(JSON.stringify(message), (error) => {
        if (!error) { resolve(); return; }
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.socket.close(1000, 'connection ended');
  }
}

function frameBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) {
    const out = new Uint8Array(data.reduce((n, part) => n + part.byteLength, 0));
    let at = 0;
    for (const part of data) { out.set(part, at); at += part.byteLength; }
    return out;
  }
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Whether a frame is a response (no "method" before its result or error), judged from its start. */
function isResponseHead(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 256));
  const body = head.search(/"(result|error)"\s*:/);
  const method = head.search(/"method"\s*:/);
  return body >= 0 && (method < 0 || method > body);
}

/** The request id of a refused frame, read from its start without parsing the whole thing, so the sender's request fails instead of hanging. */
function idNear(bytes: Uint8Array): number | string | null {
  const head = new TextDecoder().decode(bytes.subarray(0, 256));
  const match = /"id"\s*:\s*(\d+|"[^"\\]{0,64}")/.exec(head);
  if (!match) return null;
  return match[1]!.startsWith('"') ? match[1]!.slice(1, -1) : Number(match[1]);
}
