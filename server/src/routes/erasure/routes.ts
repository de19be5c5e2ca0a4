import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { reauthenticate } from '../../auth/reauth.ts';
import { eraseAccount } from '../../db/erasure.ts';
import { users } from '../../db/schema.ts';
import { loggableError, notSignedIn } from '../../errors.ts';
import { clearSessionCookie, requireUser, signedIn } from '../../plugins/auth.ts';
import type { Services } from '../../services.ts';
import { EraseBody } from './schema.ts';

/**
 * DELETE /api/me: erasing one's own account (docs/api/privacy.md, "Erasure"). The password is
 * asked again, and the second factor when it is on; wrong guesses count in the sign-in throttle,
 * so a borrowed session can neither guess the password nor erase anybody. The erasure itself is
 * one transaction (db/erasure.ts); after it every sign-in of the person ends on every instance.
 */
export const erasureRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db, sessions, throttle } = services;

  app.delete(
    '/api/me',
    {
      onRequest: signedIn,
      schema: {
        tags: ['privacy'],
        body: EraseBody,
        description:
          'Erases the caller’s account and every personal record of it, in one transaction: 204, and the session cookie cleared. Body `{password, totp?}`: a wrong password 401 `invalid_password` (counted by the sign-in throttle: 429 after repeated failures); with two-factor sign-in on, no code 401 `totp_required`, a wrong or used one 401 `totp_invalid`. A client’s relationships go with everything in them, the therapist’s copies included; a therapist’s relationships go on for their clients as solo ones, keeping what the therapist sent. Every sign-in of the person ends at once, on every instance.',
      },
    },
    async (request, reply) => {
      const [user] = await db
        .select()
        .from(users)
        .where(eq(users.id, requireUser(request).id))
        .limit(1);
      if (!user) throw notSignedIn();
      await reauthenticate(db, throttle, request, user, request.body);

      const erased = await eraseAccount(db, user.id);
      // Erased meanwhile by another request of theirs: that one answered 204.
      if (!erased) throw notSignedIn();

      // Committed: the answer is 204 whatever happens next. The session rows went with the
      // account; this tells every instance to drop its cached copies, so the next request with
      // any of the person's cookies is signed out everywhere.
      try {
        await sessions.revokeAllForUser(user.id);
      } catch (error) {
        request.log.error({ err: loggableError(error) }, 'erasure: ending sessions failed');
      }
      try {
        // Streams on this instance end now; other instances end theirs at their next heartbeat.
        await app.notifications.live.heartbeat();
        // The throttle's counter for the account is keyed by its email.
        await throttle.recordSuccess(user.email);
      } catch (error) {
        request.log.warn({ err: loggableError(error) }, 'erasure: tidying up after failed');
      }
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );
};
