/**
 * A fault-injecting HTTP proxy in front of a real registry (or, without one, a fake registry
 * answering only what rules say), for tests of what real networks do: 503 and 429 bursts,
 * connections reset, servers that stall, and blob downloads redirected to another host.
 *
 * A second server plays the storage backend that registries redirect blob downloads to
 * (S3, a CDN): it serves the blob from the upstream registry and records whether an
 * Authorization header arrived, which must never happen.
 */
import http from 'node:http';
import type net from 'node:net';

export type Fault =
  /** Answer with this status (and optional headers and body) instead of forwarding. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string | Buffer }
  /** Reset the TCP connection (RST) without answering. */
  | { kind: 'reset' }
  /** Accept the request and never answer. */
  | { kind: 'stall' }
  /** Forward, but close the connection after this many body bytes. */
  | { kind: 'cut-body'; afterBytes: number }
  /** Forward, but stop sending (connection left open) after this many body bytes. */
  | { kind: 'stall-body'; afterBytes: number }
  /** Answer blob GETs with a 307 to the storage server, with a signed-looking query string. */
  | { kind: 'redirect-to-storage'; status?: number };

export interface FaultRule {
  /** Matched against the request path with its query. */
  path: RegExp;
  method?: string;
  fault: Fault;
  /** How many matching requests get the fault; then requests pass through. Unlimited when omitted. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  range: string | undefined;
  userAgent: string | undefined;
  accept: string | undefined;
  /** The fault applied, or "forward". */
  outcome: string;
}

export interface FaultyProxy {
  /** 127.0.0.1:port of the proxy, to use as the registry host. */
  host: string;
  /** 127.0.0.1:port of the storage server blob downloads are redirected to. */
  storageHost: string;
  requests: RecordedRequest[];
  storageRequests: RecordedRequest[];
  add(rule: FaultRule): void;
  /** Remove all rules and forget recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export interface FaultyProxyOptions {
  /** host:port of the real registry; without it, unmatched requests get 404. */
  upstream?: string | undefined;
  /** Sent by the storage server when it fetches blobs from an upstream that needs auth. */
  upstreamAuthorization?: string | undefined;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

const BLOB_PATH = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})/;

export async function startFaultyProxy(options: FaultyProxyOptions = {}): Promise<FaultyProxy> {
  let rules: ActiveRule[] = [];
  const requests: RecordedRequest[] = [];
  const storageRequests: RecordedRequest[] = [];
  const sockets = new Set<net.Socket>();
  let storageHost = '';

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: { path: string; headers: http.OutgoingHttpHeaders },
    limit?: { afterBytes: number; then: 'cut' | 'stall' },
  ): void => {
    if (!options.upstream) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: 'no upstream' }] }));
      return;
    }
    const [hostname, port] = options.upstream.split(':');
    const upstream = http.request(
      { hostname, port: Number(port), method: req.method, path: target.path, headers: { ...target.headers, host: options.upstream } },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        if (!limit) {
          upstreamResponse.pipe(res);
          return;
        }
        let sent = 0;
        upstreamResponse.on('data', (chunk: Buffer) => {
          if (sent >= limit.afterBytes) return;
          const part = chunk.subarray(0, limit.afterBytes - sent);
          sent += part.length;
          res.write(part);
          if (sent >= limit.afterBytes) {
            upstreamResponse.destroy();
            // Let the bytes reach the client before the connection goes away.
            if (limit.then === 'cut') res.socket?.end(() => res.socket?.destroy());
          }
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const applyFault = (fault: Fault, req: http.IncomingMessage, res: http.ServerResponse): void => {
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, fault.headers ?? {});
        res.end(fault.body ?? '');
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'stall':
        return;
      case 'cut-body':
        forward(req, res, { path: req.url ?? '/', headers: req.headers }, { afterBytes: fault.afterBytes, then: 'cut' });
        return;
      case 'stall-body':
        forward(req, res, { path: req.url ?? '/', headers: req.headers }, { afterBytes: fault.afterBytes, then: 'stall' });
        return;
      case 'redirect-to-storage': {
        const match = BLOB_PATH.exec(req.url ?? '');
        if (!match) {
          res.writeHead(500);
          res.end('redirect-to-storage applies to blob paths only');
          return;
        }
        res.writeHead(fault.status ?? 307, { location: `http://${storageHost}/storage/${match[1]}/${match[2]}?X-Signature=s3cr3t&expires=60` });
        res.end();
        return;
      }
    }
  };

  const proxy = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const rule = rules.find((candidate) => candidate.remaining > 0 && candidate.path.test(url) && (!candidate.method || candidate.method === req.method));
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      authorization: req.headers.authorization,
      range: req.headers.range,
      userAgent: req.headers['user-agent'],
      accept: req.headers.accept,
      outcome: rule ? rule.fault.kind : 'forward',
    };
    requests.push(record);
    if (rule) {
      rule.remaining--;
      applyFault(rule.fault, req, res);
      return;
    }
    forward(req, res, { path: url, headers: req.headers });
  });

  const storage = http.createServer((req, res) => {
    const url = req.url ?? '/';
    storageRequests.push({
      method: req.method ?? 'GET',
      url,
      authorization: req.headers.authorization,
      range: req.headers.range,
      userAgent: req.headers['user-agent'],
      accept: req.headers.accept,
      outcome: 'storage',
    });
    const match = /^\/storage\/(.+)\/(sha256:[a-f0-9]{64})/.exec(url);
    if (!match) {
      res.writeHead(404);
      res.end();
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    if (req.headers.range) headers.range = req.headers.range;
    if (options.upstreamAuthorization) headers.authorization = options.upstreamAuthorization;
    forward(req, res, { path: `/v2/${match[1]}/blobs/${match[2]}`, headers });
  });

  for (const server of [proxy, storage]) {
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  const listen = (server: http.Server): Promise<string> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as net.AddressInfo).port}`));
    });
  const host = await listen(proxy);
  storageHost = await listen(storage);

  return {
    host,
    storageHost,
    requests,
    storageRequests,
    add(rule) {
      rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    },
    reset() {
      rules = [];
      requests.length = 0;
      storageRequests.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([proxy, storage].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
