import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Services } from '../../services.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/health',
    { schema: { tags: ['meta'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => {
      try {
        await services.database.ping();
      } catch {
        throw new AppError(503, 'unavailable', 'The database is not answering yet.');
      }
      return { status: 'ok' as const };
    },
  );
};
