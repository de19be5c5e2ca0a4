import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, crossOrigin } from '../errors.ts';
import { SESSION_COOKIE } from './auth.ts';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React Aria injects one small fixed style element; its hash is allowed, nothing else inline.
  "style-src 'self' 'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** API answers are never documents: nothing may load from them or frame them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Strict-Transport-Security, only on answers to requests that came over HTTPS (RFC 6797 8.1):
 * Attune reached over plain http:// (development, an intranet) does not know that an https://
 * exists for its host, so it does not promise one.
 */
const HSTS = 'max-age=31536000; includeSubDomains';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a request is for the API, by its decoded path: the raw URL can hide `/api` behind
 * percent-escapes (`/%61pi/me`) that the router decodes.
 */
function isApi(request: FastifyRequest): boolean {
  // The decoded path, as the router sees it (not request.routeOptions, a getter that builds an
  // object on every call).
  const path = decodedPath(request.url);
  return path === '/api' || path.startsWith('/api/');
}

function decodedPath(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function sameOrigin(request: FastifyRequest, origin: string): boolean {
  return origin === `${request.protocol}://${request.host}`;
}

/**
 * Lock-down headers (a strict CSP, no referrer, no caching of API answers that carry health data)
 * and the refusal of cross-origin state-changing requests.
 */
export const securityPlugin = fp(async (app: FastifyInstance) => {
  // Helmet sets the usual lock-down headers. The CSP is fixed, so it is built once here rather
  // than by helmet on every request (measured: ~4 % of the CPU of a cached GET /api/me).
  await app.register(helmet, {
    contentSecurityPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    // Sent by the hook below, and only over HTTPS.
    hsts: false,
    // Headers for browsers of the past, which every response would pay for: X-XSS-Protection
    // (helmet only sets it to 0), X-Download-Options (IE8), X-DNS-Prefetch-Control and
    // X-Permitted-Cross-Domain-Policies (Flash).
    xXssProtection: false,
    xDownloadOptions: false,
    xDnsPrefetchControl: false,
    xPermittedCrossDomainPolicies: false,
    // A hint for documents about process isolation; COOP already isolates the app's window.
    originAgentCluster: false,
  });
  // One synchronous hook for every request: these headers and checks need no I/O.
  app.addHook('onRequest', (request, reply, done) => {
    if (isApi(request)) {
      reply.header('content-security-policy', API_CSP);
      reply.header('cache-control', 'no-store');
    } else {
      reply.header('content-security-policy', CSP);
    }
    // `protocol` honours X-Forwarded-Proto only behind a trusted proxy (ATTUNE_TRUST_PROXY); a
    // getter reading one header, no allocation.
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    done(STATE_CHANGING.has(request.method) ? refusal(request) : undefined);
  });
});

/** Why a state-changing request is refused, or undefined when it may go on. */
function refusal(request: FastifyRequest): AppError | undefined {
  // Every state-changing request, API or not: nothing outside the API changes state anyway.
  const origin = request.headers.origin;
  if (origin === 'null' || request.headers['sec-fetch-site'] === 'cross-site') return crossOrigin();
  if (origin !== undefined && !sameOrigin(request, origin)) return crossOrigin();
  if (request.headers.cookie?.includes(`${SESSION_COOKIE}=`)) {
    const type = request.headers['content-type'];
    if (!type || !/^application\/json\b/i.test(type)) {
      return new AppError(
        415,
        'unsupported_media_type',
        'Please send JSON (Content-Type: application/json); a request without a body can send {}.',
      );
    }
  }
  return undefined;
}
