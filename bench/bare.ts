import Fastify from 'fastify';

/** The baseline: a bare Fastify route answering a user-shaped JSON body, nothing else. */

const app = Fastify({ logger: false });
const user = {
  id: '00000000-0000-4000-8000-000000000000',
  email: 'bench@example.test',
  displayName: 'Bench',
  role: 'client',
};
app.get('/bare', async () => ({ user }));
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
