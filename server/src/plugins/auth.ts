import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ResolvedSession, SessionStore, SessionUser } from '../auth/sessions.ts';
import { notSignedIn } from '../errors.ts';

export const SESSION_COOKIE = 'attune_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null. Set before any handler runs. */
    auth: ResolvedSession | null;
  }
}

/** The signed-in user of a request; throws 401 when signed out. */
export function requireUser(request: FastifyRequest): SessionUser {
  if (!request.auth) throw notSignedIn();
  return request.auth.user;
}

/** A route hook: answers 401 before validation when the request is signed out. */
export function signedIn(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  done(request.auth ? undefined : notSignedIn());
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxMs: number,
) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: Math.floor(maxMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
  });
}

/** Resolves the session cookie on every API request. */
export const authPlugin = fp(async (app: FastifyInstance, options: { sessions: SessionStore }) => {
  app.decorateRequest('auth', null);
  // Synchronous when the session is cached (nearly always): no promise on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token || token.length > 100) return done();
    const cached = options.sessions.cached(token);
    if (cached) {
      request.auth = cached;
      return done();
    }
    options.sessions.resolve(token).then((resolved) => {
      request.auth = resolved ?? null;
      done();
    }, done);
  });
});
