/**
 * A gate in front of the sandbox: an HTTP proxy that can hold requests. A run whose requests wait
 * at a closed gate stays in flight (holding its lock, say) for exactly as long as a test needs,
 * instead of as long as a guessed latency lasts.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gate {
  /** Base URL to declare in a Target instead of the sandbox's. */
  readonly url: string;
  /** Requests that arrive from now on wait until `open()`. */
  close(): void;
  /** Lets every waiting request through, and those that come later. */
  open(): void;
  /** Opens the gate and stops the proxy. */
  stop(): Promise<void>;
}

export interface GateOptions {
  /** Whether requests wait from the start. @default false */
  readonly closed?: boolean;
}

/** Sends one request on to `upstream` and streams the answer back. */
function forward(upstream: string, req: IncomingMessage, res: ServerResponse): void {
  const onward = request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  onward.on('error', () => res.destroy());
  req.pipe(onward);
}

/** Starts a gate on 127.0.0.1 in front of `upstream`. */
export async function startGate(upstream: string, options: GateOptions = {}): Promise<Gate> {
  let isClosed = options.closed ?? false;
  let waiting: (() => void)[] = [];
  const server = createServer((req, res) => {
    const pass = (): void => forward(upstream, req, res);
    if (isClosed) waiting.push(pass);
    else pass();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const open = (): void => {
    isClosed = false;
    const released = waiting;
    waiting = [];
    for (const pass of released) pass();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => { isClosed = true; },
    open,
    stop: () => {
      open();
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
