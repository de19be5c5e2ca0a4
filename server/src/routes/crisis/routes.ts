import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services.ts';
import { CrisisResources } from './resources.ts';

export const crisisRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/crisis-resources',
    { schema: { tags: ['meta'], response: { 200: CrisisResources } } },
    async () => services.crisisResources,
  );
};
