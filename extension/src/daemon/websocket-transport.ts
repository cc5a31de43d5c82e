// JSON-RPC over a WebSocket: one message per text frame, as the daemon's server frames them.
import { AbstractMessageReader, AbstractMessageWriter, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc/node.js';
import type WebSocket from 'ws';

export class WebSocketMessageReader extends AbstractMessageReader {
  private callback: DataCallback | null = null;
  private readonly pending: Message[] = [];

  constructor(socket: WebSocket) {
    super();
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.fireError(new Error('The daemon sent a binary frame; JSON-RPC frames are text.'));
      try {
        const message = JSON.parse(data.toString()) as Message;
        if (this.callback) this.callback(message);
        else this.pending.push(message); // frames that arrive before listen() must not be lost
      } catch (error) {
        this.fireError(error);
      }
    });
    socket.on('error', (error) => this.fireError(error));
    socket.on('close', () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const message of this.pending.splice(0)) callback(message);
    return { dispose: () => { this.callback = null; } };
  }
}

export class WebSocketMessageWriter extends AbstractMessageWriter {
  private errorCount = 0;

  constructor(private readonly socket: WebSocket) {
    super();
    socket.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(JSON.stringify(message), (error) => {
        if (!error) return resolve();
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.socket.close();
  }
}
