import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { communityConfig } from '../../community/config.ts';
import { sweepAnonymousAskers } from '../../community/retention.ts';
import { loggableError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { moderationRoutes } from './moderation-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { questionRoutes } from './question-routes.ts';
import { safetyRoutes } from './safety-routes.ts';

/**
 * The community: pseudonymous profiles, the ask box and the public board, with care and
 * moderation built in (docs/api/community.md, docs/COMMUNITY.md).
 *
 * The retention sweep of anonymous askers runs once when the app is ready and then every
 * `sweepEveryMs` (an hour) on every instance: it is idempotent, so instances need not agree.
 */
export const communityRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  await app.register(profileRoutes, { services });
  await app.register(questionRoutes, { services });
  await app.register(safetyRoutes, { services });
  await app.register(moderationRoutes, { services });

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= sweepAnonymousAskers(services.db, communityConfig(services))
      .then((done) => {
        if (done.erased > 0) app.log.info({ erased: done.erased }, 'anonymous askers forgotten');
      })
      .catch((error: unknown) => {
        app.log.error({ err: loggableError(error) }, 'community retention sweep failed');
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  app.addHook('onReady', async () => {
    await sweep();
    timer = setInterval(() => void sweep(), communityConfig(services).sweepEveryMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await running;
  });
};
