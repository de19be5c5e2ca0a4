import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services.ts';

export const coupleRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  _app,
  _options,
) => {};
