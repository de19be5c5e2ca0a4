import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { SessionStore } from './auth/sessions.ts';
import { LoginThrottle } from './auth/throttle.ts';
import { configureCommunity } from './community/config.ts';
import type { Database } from './db/client.ts';
import type { Env } from './env.ts';
import { body, errorHandler, notFound } from './errors.ts';
import { Notifier } from './notifications/notifier.ts';
import { notificationsPlugin } from './notifications/plugin.ts';
import { authPlugin } from './plugins/auth.ts';
import { securityPlugin } from './plugins/security.ts';
import { agendaRoutes } from './routes/agenda/routes.ts';
import { agreementRoutes } from './routes/agreement/routes.ts';
import { appointmentRoutes } from './routes/appointments/routes.ts';
import { auditRoutes } from './routes/audit/routes.ts';
import { authRoutes } from './routes/auth/routes.ts';
import { calendarRoutes } from './routes/calendar/routes.ts';
import { caseloadRoutes } from './routes/caseload/routes.ts';
import { checkinRoutes } from './routes/checkins/routes.ts';
import { communityRoutes } from './routes/community/routes.ts';
import { coupleRoutes } from './routes/couples/routes.ts';
import { loadCrisisResources } from './routes/crisis/resources.ts';
import { crisisRoutes } from './routes/crisis/routes.ts';
import { erasureRoutes } from './routes/erasure/routes.ts';
import { exportRoutes } from './routes/export/routes.ts';
import { goodMomentRoutes } from './routes/good-moments/routes.ts';
import { healthRoutes } from './routes/health/routes.ts';
import { letterRoutes } from './routes/letters/routes.ts';
import { markerRoutes } from './routes/markers/routes.ts';
import { messageRoutes } from './routes/messages/routes.ts';
import { partRoutes } from './routes/parts/routes.ts';
import { relationshipRoutes } from './routes/relationships/routes.ts';
import { requestRoutes } from './routes/requests/routes.ts';
import { ruptureRoutes } from './routes/ruptures/routes.ts';
import { scheduleRoutes } from './routes/schedule/routes.ts';
import { securityRoutes } from './routes/security/routes.ts';
import { slotRoutes } from './routes/slots/routes.ts';
import { AuditLog } from './services/audit.ts';
import { RelationshipCache } from './services/relationship-cache.ts';
import type { Services } from './services.ts';

export const BODY_LIMIT = 1024 * 1024;

export type AppOptions = {
  /** Off when absent; a level, and in tests a stream to capture what is logged. */
  logger?: false | { level: string; stream?: NodeJS.WritableStream };
  /** Serve the built web app (web/dist) when it exists. */
  serveWeb?: boolean;
};

/** Strips the query string: tokens (calendar feeds, invites) must never reach the logs. */
function pathOnly(url: string | undefined): string | undefined {
  return url?.split('?')[0];
}

const HOUR = 3_600_000;

export async function buildApp(
  env: Env,
  database: Database,
  options: AppOptions = {},
): Promise<{ app: FastifyInstance; services: Services }> {
  const app = Fastify({
    logger: !options.logger
      ? false
      : {
          level: options.logger.level,
          ...(options.logger.stream ? { stream: options.logger.stream } : {}),
          serializers: {
            req: (req: { method: string; url?: string; id: string }) => ({
              id: req.id,
              method: req.method,
              path: pathOnly(req.url),
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
    // Per-request lines are ours (onResponse below): debug level, path only, never bodies.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Behind a TLS-terminating proxy, only the proxy itself (the immediate peer) is trusted: the
    // client's address is the one it appended to X-Forwarded-For, never one the client wrote
    // before it. (A hop count would make Fastify ignore X-Forwarded-Proto.)
    trustProxy: env.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A URL the router cannot take (a broken %-escape, a path parameter over 200 characters) is
    // answered before any hook runs: in the API's error shape, with the lock-down headers, and
    // without echoing the path.
    frameworkErrors: (_error, _request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      void reply
        .status(400)
        .headers({
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        })
        .send(body('bad_request', 'That address is not one Attune knows.'));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  // JSON bodies: the default safe parser, but an empty body counts as {} (bodyless POSTs).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (request, raw, done) => {
      const text = typeof raw === 'string' ? raw : raw.toString('utf8');
      if (text.trim() === '') return done(null, {});
      parseJson(request, text, done);
    },
  );

  app.addHook('onResponse', (request, reply, done) => {
    const failed = reply.statusCode >= 500;
    if (failed || request.log.level === 'debug' || request.log.level === 'trace') {
      const entry = {
        method: request.method,
        path: pathOnly(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      };
      if (failed) request.log.warn(entry, 'request failed');
      else request.log.debug(entry, 'request');
    }
    done();
  });

  const sessions = new SessionStore(database, {
    idleMs: env.sessionIdleMs,
    maxMs: env.sessionMaxMs,
  });
  await sessions.start();
  const services: Services = {
    env,
    database,
    db: database.db,
    sessions,
    throttle: new LoginThrottle(database.db),
    crisisResources: loadCrisisResources(env.crisisResourcesFile),
    relationships: new RelationshipCache(database.db),
    audit: new AuditLog(database.db),
    notifier: new Notifier(database),
  };
  // The community's rate limits, when the operator set them (the defaults are in config.ts).
  configureCommunity(services, {
    ...(env.communityAsksPerHour
      ? { asks: { limit: env.communityAsksPerHour, windowMs: HOUR } }
      : {}),
    ...(env.communityAnswersPerHour
      ? { answers: { limit: env.communityAnswersPerHour, windowMs: HOUR } }
      : {}),
  });
  app.addHook('onClose', async () => {
    await sessions.stop();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Attune API',
        version: '1.0.0',
        description: 'The HTTP API of Attune (see API.md).',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'attune_session' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(cookie);
  await app.register(securityPlugin);
  await app.register(rateLimit, { global: false });
  await app.register(authPlugin, { sessions });

  await app.register(healthRoutes, { services });
  await app.register(crisisRoutes, { services });
  await app.register(authRoutes, { services });
  await app.register(notificationsPlugin, { services });
  for (const routes of [
    relationshipRoutes,
    appointmentRoutes,
    checkinRoutes,
    markerRoutes,
    caseloadRoutes,
    partRoutes,
    ruptureRoutes,
    letterRoutes,
    goodMomentRoutes,
    agendaRoutes,
    agreementRoutes,
    messageRoutes,
    auditRoutes,
    exportRoutes,
    erasureRoutes,
    slotRoutes,
    requestRoutes,
    coupleRoutes,
    calendarRoutes,
    scheduleRoutes,
    securityRoutes,
    communityRoutes,
  ]) {
    await app.register(routes, { services });
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const indexHtml = path.join(env.webDir, 'index.html');
  const serveWeb = options.serveWeb !== false && fs.existsSync(indexHtml);
  if (serveWeb) {
    await app.register(fastifyStatic, {
      root: env.webDir,
      wildcard: false,
      index: false,
      setHeaders(res, file) {
        if (file.includes(`${path.sep}assets${path.sep}`)) {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        }
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url;
    if (url === '/api' || url.startsWith('/api/') || request.method !== 'GET') {
      const error = notFound();
      return reply.status(404).send(body(error.code, error.message));
    }
    if (serveWeb) {
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return reply
      .status(404)
      .type('text/plain; charset=utf-8')
      .send(
        'The web app has not been built yet. Run `npm run build`, or `npm start`, which builds it.',
      );
  });

  return { app, services };
}
