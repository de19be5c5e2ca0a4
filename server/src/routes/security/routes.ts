import { createHash } from 'node:crypto';
import { and, count, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hashPassword, passwordProblem } from '../../auth/passwords.ts';
import { checkPassword, reauthenticate } from '../../auth/reauth.ts';
import {
  newTotpSecret,
  replaceRecoveryCodes,
  totpQrSvg,
  totpStep,
  totpUri,
} from '../../auth/totp.ts';
import { recoveryCodes, sessions, users } from '../../db/schema.ts';
import { conflict, invalidInput, notFound, notSignedIn } from '../../errors.ts';
import { clearSessionCookie, requireUser, setSessionCookie, signedIn } from '../../plugins/auth.ts';
import { presentUser } from '../../presenters/user.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, UserResponse } from '../auth/schema.ts';
import {
  ChangeEmailBody,
  ChangePasswordBody,
  ConfirmTotpBody,
  PasswordBody,
  RecoveryCodesResponse,
  SignInList,
  SignInParams,
  SignOutEverywhereBody,
  StartTotpBody,
  TotpEnrolment,
  TwoFactorStatus,
} from './schema.ts';

/**
 * Account security: two-factor sign-in (TOTP and recovery codes), changing the password or
 * email (each after re-entering the password), and the list of active sign-ins.
 */

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return e?.code === UNIQUE_VIOLATION || e?.cause?.code === UNIQUE_VIOLATION;
};

const totpEnabled = () =>
  conflict('totp_enabled', 'Two-factor sign-in is already on. Turn it off first to start again.');

/** What a sign-in is called on the wire: not the session id (a token hash) but a digest of it. */
export const publicSessionId = (sessionId: string) =>
  createHash('sha256').update(sessionId).digest('hex').slice(0, 12);

/** "Firefox on Android" from a user-agent string; enough to recognise a device, no more. */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = (
    [
      [/Edg\//, 'Edge'],
      [/OPR\/|Opera/, 'Opera'],
      [/Firefox\/|FxiOS/, 'Firefox'],
      [/Chrome\/|CriOS/, 'Chrome'],
      [/Safari\//, 'Safari'],
    ] as const
  ).find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = (
    [
      [/Android/, 'Android'],
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/Windows/, 'Windows'],
      [/CrOS/, 'ChromeOS'],
      [/Linux/, 'Linux'],
    ] as const
  ).find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser ?? system) return browser ?? system ?? null;
  return userAgent.slice(0, 60);
}

export const securityRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db, sessions: sessionStore, throttle, env, audit } = services;
  const tags = ['accounts'];

  const currentSession = (request: FastifyRequest) => {
    if (!request.auth) throw notSignedIn();
    return request.auth;
  };

  const loadUser = async (id: string) => {
    const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
    if (!user) throw notSignedIn();
    return user;
  };

  /** Ends every sign-in of the user (on every instance) and starts a fresh one for this device. */
  const renewSessions = async (request: FastifyRequest, reply: FastifyReply, userId: string) => {
    await sessionStore.revokeAllForUser(userId);
    const token = await sessionStore.create(userId, request.headers['user-agent']);
    setSessionCookie(request, reply, token, env.sessionMaxMs);
  };

  app.get(
    '/api/me/totp',
    { onRequest: signedIn, schema: { tags, response: { 200: TwoFactorStatus } } },
    async (request) => {
      const user = await loadUser(requireUser(request).id);
      const [left] = await db
        .select({ n: count() })
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
      const enabled = user.totpConfirmedAt !== null;
      return { enabled, recoveryCodesLeft: enabled ? (left?.n ?? 0) : 0 };
    },
  );

  app.post(
    '/api/me/totp',
    {
      onRequest: signedIn,
      schema: { tags, body: StartTotpBody, response: { 201: TotpEnrolment } },
    },
    async (request, reply) => {
      const user = await loadUser(requireUser(request).id);
      if (request.body?.password !== undefined) {
        await checkPassword(throttle, request, user, request.body.password);
      }
      if (user.totpConfirmedAt) throw totpEnabled();
      const secret = newTotpSecret();
      const [stored] = await db
        .update(users)
        .set({ totpSecret: secret, totpConfirmedAt: null, totpLastStep: null })
        .where(and(eq(users.id, user.id), isNull(users.totpConfirmedAt)))
        .returning({ id: users.id });
      if (!stored) throw totpEnabled();
      const otpauthUri = totpUri(secret, user.email);
      return reply.status(201).send({ secret, otpauthUri, qrSvg: await totpQrSvg(otpauthUri) });
    },
  );

  app.post(
    '/api/me/totp/confirm',
    {
      onRequest: signedIn,
      schema: { tags, body: ConfirmTotpBody, response: { 200: RecoveryCodesResponse } },
    },
    async (request) => {
      const user = await loadUser(requireUser(request).id);
      if (user.totpConfirmedAt) throw totpEnabled();
      if (!user.totpSecret) {
        throw conflict('totp_not_started', 'Please start setting up two-factor sign-in first.');
      }
      const secret = user.totpSecret;
      const step = await totpStep(secret, request.body.code, null);
      if (step === undefined) {
        throw invalidInput({
          code: "That code didn't match. Please enter the newest code from your app.",
        });
      }
      const codes = await db.transaction(async (tx) => {
        const [confirmed] = await tx
          .update(users)
          .set({ totpConfirmedAt: new Date(), totpLastStep: step })
          .where(
            and(eq(users.id, user.id), eq(users.totpSecret, secret), isNull(users.totpConfirmedAt)),
          )
          .returning({ id: users.id });
        if (!confirmed) return undefined;
        return replaceRecoveryCodes(tx, user.id);
      });
      if (!codes) throw totpEnabled();
      await audit.account(user.id, 'two-factor-on');
      return { recoveryCodes: codes };
    },
  );

  app.delete(
    '/api/me/totp',
    { onRequest: signedIn, schema: { tags, body: PasswordBody } },
    async (request, reply) => {
      const user = await loadUser(requireUser(request).id);
      await reauthenticate(db, throttle, request, user, request.body);
      await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ totpSecret: null, totpConfirmedAt: null, totpLastStep: null })
          .where(eq(users.id, user.id));
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
      });
      await audit.account(user.id, 'two-factor-off');
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/me/password',
    { onRequest: signedIn, schema: { tags, body: ChangePasswordBody } },
    async (request, reply) => {
      const user = await loadUser(requireUser(request).id);
      const { currentPassword, newPassword, totp } = request.body;
      await reauthenticate(db, throttle, request, user, { password: currentPassword, totp });
      const problem = passwordProblem(newPassword, { email: user.email });
      if (problem) throw invalidInput({ newPassword: problem });
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(newPassword), updatedAt: new Date() })
        .where(eq(users.id, user.id));
      // Whoever knew the old password is signed out everywhere; this device stays signed in.
      await renewSessions(request, reply, user.id);
      await audit.account(user.id, 'password-changed');
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/me/email',
    {
      onRequest: signedIn,
      schema: { tags, body: ChangeEmailBody, response: { 200: UserResponse } },
    },
    async (request) => {
      const user = await loadUser(requireUser(request).id);
      await reauthenticate(db, throttle, request, user, request.body);
      const taken = () => conflict('email_taken', 'An account with this email already exists.');
      let updated: typeof user | undefined;
      try {
        [updated] = await db
          .update(users)
          .set({ email: request.body.email, updatedAt: new Date() })
          .where(eq(users.id, user.id))
          .returning();
      } catch (error) {
        if (isUniqueViolation(error)) throw taken();
        throw error;
      }
      if (!updated) throw notSignedIn();
      // Cached sessions hold the email: every instance drops its copy.
      await sessionStore.userChanged(user.id);
      await audit.account(user.id, 'email-changed');
      return { user: presentUser(updated) };
    },
  );

  app.get(
    '/api/me/sessions',
    { onRequest: signedIn, schema: { tags, response: { 200: SignInList } } },
    async (request) => {
      const { sessionId, user } = currentSession(request);
      const now = Date.now();
      const rows = await db
        .select()
        .from(sessions)
        .where(
          and(
            eq(sessions.userId, user.id),
            gt(sessions.expiresAt, new Date(now)),
            gt(sessions.lastSeenAt, new Date(now - env.sessionIdleMs)),
          ),
        )
        .orderBy(desc(sessions.lastSeenAt));
      return {
        items: rows.map((row) => ({
          id: publicSessionId(row.id),
          current: row.id === sessionId,
          createdAt: row.createdAt.toISOString(),
          lastSeenAt: (row.id === sessionId ? new Date(now) : row.lastSeenAt).toISOString(),
          userAgent: describeUserAgent(row.userAgent),
        })),
      };
    },
  );

  app.delete(
    '/api/me/sessions/:id',
    { onRequest: signedIn, schema: { tags, params: SignInParams, body: EmptyBody } },
    async (request, reply) => {
      const { sessionId, user } = currentSession(request);
      const rows = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(eq(sessions.userId, user.id));
      const target = rows.find((row) => publicSessionId(row.id) === request.params.id);
      if (!target) throw notFound();
      await sessionStore.revoke(target.id);
      if (target.id === sessionId) clearSessionCookie(request, reply);
      await audit.account(user.id, 'sign-in-ended');
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/me/sessions/sign-out-everywhere',
    { onRequest: signedIn, schema: { tags, body: SignOutEverywhereBody } },
    async (request, reply) => {
      const { sessionId, user } = currentSession(request);
      if (request.body?.includeThis) {
        await sessionStore.revokeAllForUser(user.id);
        clearSessionCookie(request, reply);
      } else {
        // One by one through the revocation path, so every instance drops each from its cache.
        const others = await db
          .select({ id: sessions.id })
          .from(sessions)
          .where(and(eq(sessions.userId, user.id), ne(sessions.id, sessionId)));
        for (const other of others) await sessionStore.revoke(other.id);
      }
      await audit.account(user.id, 'signed-out-everywhere');
      return reply.status(204).send();
    },
  );
};
