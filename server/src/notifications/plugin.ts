import fp from 'fastify-plugin';
import { loadOperatorToken, outboxRoutes } from '../routes/notifications/outbox.ts';
import { notificationRoutes } from '../routes/notifications/routes.ts';
import type { Services } from '../services.ts';
import { NotificationSystem } from './system.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live streams, email and reminders (notifications/system.ts). */
    notifications: NotificationSystem;
  }
}

/**
 * Notifications in the app: starts the delivery parts with the app, ends open streams before the
 * server stops listening (an open stream would otherwise hold `close()` forever), and stops the
 * rest once the server is closed.
 */
export const notificationsPlugin = fp(async (app, { services }: { services: Services }) => {
  // Read first: a bad token file stops start-up before anything is started.
  const token = loadOperatorToken(services.env.operatorTokenFile);
  const system = new NotificationSystem(services, app.log);
  await system.start();
  app.decorate('notifications', system);
  app.addHook('preClose', (done) => {
    system.live.closeAll();
    done();
  });
  app.addHook('onClose', async () => {
    await system.stop();
  });
  await app.register(notificationRoutes, { services, system });
  await app.register(outboxRoutes, { services, token });
});
