import { buildServer } from './build-server.ts';
import { ensureWebBuild } from './ensure-web-build.ts';

/** `npm run build` (and before `npm start`): the web app when its sources changed, and the server. */
ensureWebBuild();
await buildServer();
