import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords.ts';
import { totpInvalid, totpRequired } from '../../auth/reauth.ts';
import { useSecondFactor } from '../../auth/totp.ts';
import { users } from '../../db/schema.ts';
import { AppError, conflict, invalidInput, tooManyRequests } from '../../errors.ts';
import { clearSessionCookie, requireUser, setSessionCookie, signedIn } from '../../plugins/auth.ts';
import { presentUser } from '../../presenters/user.ts';
import type { Services } from '../../services.ts';
import { EmptyBody, LoginBody, RegisterBody, UserResponse } from './schema.ts';

const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', "That email and password don't match an account.");

export const authRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db, sessions, throttle, env, audit } = services;

  app.post(
    '/api/auth/register',
    {
      schema: { tags: ['accounts'], body: RegisterBody, response: { 201: UserResponse } },
      config: { rateLimit: { max: env.registerLimitPerHour, timeWindow: '1 hour' } },
    },
    async (request, reply) => {
      const { email, password, displayName, role } = request.body;
      const problem = passwordProblem(password, { email });
      if (problem) throw invalidInput({ password: problem });
      const [user] = await db
        .insert(users)
        .values({
          id: randomUUID(),
          email,
          passwordHash: await hashPassword(password),
          displayName,
          role,
        })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!user) {
        throw conflict(
          'email_taken',
          'An account with this email already exists. You can sign in instead.',
        );
      }
      const token = await sessions.create(user.id, request.headers['user-agent']);
      setSessionCookie(request, reply, token, env.sessionMaxMs);
      return reply.status(201).send({ user: presentUser(user) });
    },
  );

  app.post(
    '/api/auth/login',
    { schema: { tags: ['accounts'], body: LoginBody, response: { 200: UserResponse } } },
    async (request, reply) => {
      const { email, password, totp } = request.body;
      const wait = await throttle.retryAfter(email, request.ip);
      if (wait > 0) throw tooManyRequests(wait);
      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
      if (!user || !ok) {
        await throttle.recordFailure(email, request.ip);
        // The owner of the account sees the attempt; an unknown email has no one to tell.
        if (user) await audit.account(user.id, 'sign-in-failed');
        throw invalidCredentials();
      }
      if (user.totpConfirmedAt) {
        // Not a failure: the password was right. The throttle stays as it is until the code is.
        if (!totp) throw totpRequired();
        if (!(await useSecondFactor(db, user, totp))) {
          await throttle.recordFailure(email, request.ip);
          await audit.account(user.id, 'sign-in-code-failed');
          throw totpInvalid();
        }
      }
      await throttle.recordSuccess(email);
      if (request.auth) await sessions.revoke(request.auth.sessionId);
      const token = await sessions.create(user.id, request.headers['user-agent']);
      await audit.account(user.id, 'sign-in');
      setSessionCookie(request, reply, token, env.sessionMaxMs);
      return { user: presentUser(user) };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['accounts'], body: EmptyBody } },
    async (request, reply) => {
      if (request.auth) {
        await sessions.revoke(request.auth.sessionId);
        await audit.account(request.auth.user.id, 'sign-out');
      }
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/me',
    { onRequest: signedIn, schema: { tags: ['accounts'], response: { 200: UserResponse } } },
    async (request) => ({ user: presentUser(requireUser(request)) }),
  );
};
