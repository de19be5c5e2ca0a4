/**
 * The route table of the authorization matrix (authz-matrix.test.ts): how each route of the
 * running app is exercised. Routes come from the app itself (an onRoute hook), never from this
 * file, so a new route is covered, or the matrix fails and names it, until it is placed here.
 *
 * - A route with path parameters is *object-scoped*: each parameter is filled with an id of the
 *   client A's (or their therapist T's) world, looked up by the path up to the parameter in
 *   PARAMS. Strangers (another client B, an unconnected therapist U) must get 404.
 * - A route without path parameters must be listed in PUBLIC, STREAMS or SELF_SCOPED.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteKey = `${Method} ${string}`;
export type Actor = 'signed out' | 'B' | 'U' | 'C';
export type Member = 'A' | 'T';

/** The ids of A's world that path parameters may name (filled in by the test's world). */
export type IdName =
  | 'relationship'
  | 'pastAppointment'
  | 'futureAppointment'
  | 'checkin'
  | 'privateRupture'
  | 'sharedRupture'
  | 'repair'
  | 'letter'
  | 'part'
  | 'goodMoment'
  | 'agendaItem'
  | 'messageFromA'
  | 'messageFromT'
  | 'slot'
  | 'timeOff'
  | 'openTime'
  | 'request'
  | 'couple'
  | 'usedInviteCode'
  | 'signIn';

/**
 * Path parameters, keyed by the path up to and including the parameter. Each maps variant labels
 * to ids: a route is exercised once per variant (all combinations when it has several params).
 */
export const PARAMS: Record<string, Record<string, IdName>> = {
  '/api/relationships/:id': { 'A–T relationship': 'relationship' },
  '/api/appointments/:id': { past: 'pastAppointment', future: 'futureAppointment' },
  '/api/checkins/:id': { 'A’s check-in': 'checkin' },
  '/api/ruptures/:id': { private: 'privateRupture', shared: 'sharedRupture' },
  '/api/repairs/:id': { 'repair of the shared rupture': 'repair' },
  '/api/letters/:id': { 'A’s draft': 'letter' },
  '/api/parts/:id': { 'A’s part': 'part' },
  '/api/good-moments/:id': { 'A’s good moment': 'goodMoment' },
  '/api/agenda-items/:id': { 'A’s agenda item': 'agendaItem' },
  '/api/messages/:id': { 'from A (urgent)': 'messageFromA', 'from T': 'messageFromT' },
  '/api/slots/:id': { 'T’s slot with A': 'slot' },
  '/api/time-off/:id': { 'T’s time off': 'timeOff' },
  '/api/open-times/:id': { 'T’s open time': 'openTime' },
  '/api/appointment-requests/:id': { 'A’s open request': 'request' },
  '/api/couples/:id': { 'A and C with T (both consented)': 'couple' },
  '/api/invites/:code': { 'the code T already used': 'usedInviteCode' },
  '/api/me/sessions/:id': { 'A’s sign-in': 'signIn' },
  // The community: A's world holds no community objects (buildAttackWorld makes none), so these
  // are probed with an id of A's clinical world, which must name no question, answer, block or
  // pseudonym (a UUID is not a valid pseudonym). Community objects' own strangers, asker,
  // recipient and moderator cases are in server/src/routes/community/*.test.ts.
  '/api/community/profiles/:pseudonym': { 'a clinical id as pseudonym': 'relationship' },
  '/api/community/questions/:id': { 'a clinical id as question': 'relationship' },
  '/api/community/answers/:id': { 'a clinical id as answer': 'messageFromA' },
  '/api/community/blocks/:id': { 'a clinical id as block': 'relationship' },
  '/api/community/mutes/:pseudonym': { 'a clinical id as pseudonym': 'relationship' },
};

/**
 * Routes anyone may call signed out. They are still called signed out by the matrix: never 5xx,
 * never any of A's data.
 */
export const PUBLIC: Partial<Record<RouteKey, string>> = {
  'GET /api/health': 'liveness probe for load balancers; says only {status}',
  'GET /api/crisis-resources':
    'crisis lines must reach people who are not (or cannot get) signed in',
  'POST /api/auth/register': 'making an account is how one signs in the first time',
  'POST /api/auth/login': 'signing in',
  'POST /api/auth/logout': 'ends the caller’s own session; signed out it is a harmless no-op',
  'GET /api/openapi.json': 'the public API description (API.md); no data',
  'GET /api/calendar.ics':
    'the calendar feed is read by calendar apps without cookies: the secret ?token= is the credential (tested in calendar.test.ts)',
  'GET /api/operator/outbox':
    'for the instance operator with a Bearer token from ATTUNE_OPERATOR_TOKEN_FILE, not a session; without that file it is 404',
};

/** Routes that never end (server-sent events): only the signed-out 401 is checked. */
export const STREAMS: Partial<Record<RouteKey, string>> = {
  'GET /api/events':
    'text/event-stream scoped to the caller’s own user id; an inject would never end. Its events carry ids only (notifications tests)',
};

/**
 * Signed-in routes without path parameters: they act on the caller's own data, so a stranger may
 * get 2xx — but the answer must hold none of A's world, and whatever it writes must touch none
 * of A's rows (checked by a database snapshot).
 */
export const SELF_SCOPED: Partial<Record<RouteKey, string>> = {
  'GET /api/me': 'the caller',
  'DELETE /api/me':
    'erases the caller’s own account, and only with their password (and code) in the body: probed with {} (400); a stranger has no password of A’s, and the caller is the only account it can reach',
  'GET /api/notifications':
    'the caller’s notices (probed with ?relationshipId= of A’s relationship)',
  'POST /api/notifications/seen': 'marks the caller’s notices (probed with A’s relationshipId)',
  'GET /api/me/notification-settings': 'the caller’s settings',
  'PUT /api/me/notification-settings': 'the caller’s settings',
  'POST /api/relationships': 'a client records their own relationship',
  'GET /api/relationships': 'the relationships the caller belongs to',
  'GET /api/caseload': 'the therapist’s own caseload (404 for clients)',
  'POST /api/parts': 'the client’s own parts',
  'GET /api/parts': 'the client’s own parts',
  'GET /api/me/audit': 'who read or changed the caller’s data',
  'POST /api/time-off':
    'the therapist’s own time off (probed over A’s appointments: they must stay)',
  'GET /api/time-off': 'the therapist’s own time off',
  'POST /api/open-times': 'the therapist’s own open times',
  'GET /api/open-times': 'the therapist’s own open times',
  'POST /api/couples': 'joins two of the caller’s relationships (probed with A’s and C’s: 404)',
  'GET /api/couples': 'the caller’s couples',
  'GET /api/me/calendar-token': 'the caller’s feed token',
  'POST /api/me/calendar-token': 'renews the caller’s feed token',
  'GET /api/me/schedule': 'the therapist’s own week (404 for clients)',
  'GET /api/me/export': 'the caller’s own data as one JSON document',
  'GET /api/me/export/checkins.csv': 'the caller’s own check-ins as CSV',
  'GET /api/me/totp': 'whether the caller has two-factor sign-in',
  'POST /api/me/totp': 'starts the caller’s own two-factor enrolment',
  'POST /api/me/totp/confirm': 'confirms the caller’s own enrolment',
  'DELETE /api/me/totp': 'turns off the caller’s own two-factor sign-in (needs their password)',
  'PUT /api/me/password': 'the caller’s own password (needs the current one)',
  'PUT /api/me/email': 'the caller’s own email (needs their password)',
  'GET /api/me/sessions': 'the caller’s own sign-ins',
  'POST /api/me/sessions/sign-out-everywhere': 'ends the caller’s own other sign-ins',
  // The community (docs/api/community.md): a person's own pseudonymous profile and what they
  // post, see, mute or block; nothing here takes an account or a relationship.
  'GET /api/community/profile': 'the caller’s own community profile (null without one)',
  'PUT /api/community/profile': 'makes or changes the caller’s own community profile',
  'GET /api/community/tags': 'the fixed list of tags',
  'POST /api/community/check': 'checks the caller’s own text for crisis language; stores nothing',
  'POST /api/community/questions': 'the caller asks, under their own profile',
  'GET /api/community/questions': 'the public board, as the caller may see it',
  'GET /api/community/my-questions': 'the caller’s own questions and asks',
  'GET /api/community/inbox': 'asks in the caller’s own ask box',
  'POST /api/community/reports': 'the caller reports something they can see',
  'POST /api/community/blocks': 'blocks someone from the caller’s own ask box',
  'GET /api/community/blocks': 'the caller’s own blocks',
  'POST /api/community/mutes': 'the caller’s own mutes',
  'GET /api/community/mutes': 'the caller’s own mutes',
  'GET /api/community/mute-words': 'the caller’s own mute words',
  'PUT /api/community/mute-words': 'the caller’s own mute words',
  'GET /api/community/notifications': 'the caller’s own community notifications',
  'POST /api/community/notifications/seen': 'marks the caller’s own community notifications',
  'GET /api/community/moderation/queue': 'moderators only; 404 for everyone else',
  'POST /api/community/moderation/actions': 'moderators only; 404 for everyone else',
};

/**
 * What B and U get instead of 404 on an object-scoped route, with why. Keyed by route (all
 * variants) and the actor. Only statuses that say nothing about A's objects belong here.
 */
export const DENIAL_EXCEPTIONS: Partial<
  Record<`${'B' | 'U' | 'C'} ${RouteKey}`, [number, string]>
> = {};

/**
 * C is T's other client and A's partner in a couple: on these routes C is a member by design, so
 * the stranger checks do not apply (couples.test.ts covers them).
 */
export const C_IS_A_PARTNER: Partial<Record<RouteKey, string>> = {
  'POST /api/couples/:id/consent': 'C consents to the couple C is a partner in',
  'DELETE /api/couples/:id': 'C may leave the couple C is a partner in',
};

/**
 * Routes that validate their body or query before looking the object up, so a stranger with a
 * body that is valid for A's object can still get 400 (never with A's data). Keyed by route.
 */
export const VALIDATES_BEFORE_AUTHORIZING: Partial<Record<RouteKey, string>> = {
  'POST /api/community/questions/:id/answers':
    'the answer body is checked first (400 names only fields); with a valid body a question the caller cannot see is 404 (community.test.ts)',
  'PUT /api/community/questions/:id/helped':
    '{helped} is checked first; with it, a question the caller cannot see is 404 (community.test.ts)',
  'PUT /api/community/answers/:id/helped':
    '{helped} is checked first; with it, an answer the caller cannot see is 404 (community.test.ts)',
};

/**
 * The members' GET sweep: every GET answers 2xx for A and T except these 404s by design, keyed
 * `${member} ${route}` (all variants) or `${member} ${route} [${variant}]`.
 */
export const MEMBER_404: Record<string, string> = {
  'A GET /api/caseload': 'a therapist’s caseload; clients have none',
  'A GET /api/me/schedule': 'the therapist’s week; clients have none',
  'A GET /api/open-times': 'the therapist’s own open times (A reads them per relationship)',
  'A GET /api/time-off': 'the therapist’s own time off (A reads it per relationship)',
  'T GET /api/parts': 'parts are the client’s own',
  'T GET /api/relationships/:id/agenda': 'the agenda is the client’s own notes',
  'T GET /api/relationships/:id/good-moments': 'good moments are the client’s own',
  'T GET /api/relationships/:id/letters': 'letters are the client’s until sent as a message',
  'T GET /api/letters/:id': 'a draft letter is the client’s until sent as a message',
  'T GET /api/letters/:id/export': 'a draft letter is the client’s until sent as a message',
  'T GET /api/relationships/:id/open-times': 'the client’s view of the therapist’s open times',
  'T GET /api/ruptures/:id [private]': 'a private rupture is the client’s alone',
  'T GET /api/ruptures/:id/preview': 'the client’s preview of what sharing would show',
  'A GET /api/community/profiles/:pseudonym': 'probed with a clinical id: no such pseudonym',
  'T GET /api/community/profiles/:pseudonym': 'probed with a clinical id: no such pseudonym',
  'A GET /api/community/questions/:id': 'probed with a clinical id: no such question',
  'T GET /api/community/questions/:id': 'probed with a clinical id: no such question',
  'A GET /api/community/moderation/queue': 'moderators only; A is not one',
  'T GET /api/community/moderation/queue': 'moderators only; T is not one',
};

/** Query strings a route needs (or is probed with), by route. */
export const QUERIES: Partial<Record<RouteKey, (id: (name: IdName) => string) => string>> = {
  'GET /api/letters/:id/export': () => 'format=md',
  'GET /api/notifications': (id) => `relationshipId=${id('relationship')}`,
  'GET /api/calendar.ics': () => 'token=not-a-token',
};

export type RouteCase = {
  key: RouteKey;
  method: Method;
  path: string;
  kind: 'public' | 'stream' | 'self' | 'object';
  /** The variant's label ('' when the route has no path parameters). */
  variant: string;
  /** The concrete URL (path with ids, and query) for a world. */
  url(id: (name: IdName) => string): string;
  /** The ids put in the path: these may appear in an answer. */
  pathIds(id: (name: IdName) => string): string[];
};

export type Recorded = { method: string | string[]; url: string };

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** The routes of the app as `METHOD path`, HEAD left out when its GET exists (same handler). */
export function routeKeys(recorded: Recorded[]): { keys: RouteKey[]; problems: string[] } {
  const all = new Set<string>();
  for (const route of recorded) {
    for (const method of [route.method].flat()) all.add(`${method} ${route.url}`);
  }
  const keys: RouteKey[] = [];
  const problems: string[] = [];
  for (const entry of all) {
    const [method = '', path = ''] = entry.split(' ');
    if (method === 'HEAD' && all.has(`GET ${path}`)) continue;
    if (method === 'OPTIONS' && path === '*') continue;
    if (!METHODS.has(method)) {
      problems.push(`${entry}: a method the matrix does not know`);
      continue;
    }
    keys.push(entry as RouteKey);
  }
  return { keys: keys.sort(), problems };
}

function cartesian(lists: [string, string, IdName][][]): [string, string, IdName][][] {
  return lists.reduce<[string, string, IdName][][]>(
    (combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])),
    [[]],
  );
}

/** One case per route and variant; anything unplaced is a problem (the matrix fails on it). */
export function casesOf(keys: RouteKey[]): { cases: RouteCase[]; problems: string[] } {
  const cases: RouteCase[] = [];
  const problems: string[] = [];
  const listed = (key: RouteKey) =>
    [PUBLIC[key], STREAMS[key], SELF_SCOPED[key]].filter((v) => v !== undefined).length;
  for (const key of keys) {
    const [method, path] = key.split(' ') as [Method, string];
    const segments = path.split('/');
    const params: [string, string, IdName][][] = [];
    segments.forEach((segment, i) => {
      if (!segment.startsWith(':')) return;
      const prefix = segments.slice(0, i + 1).join('/');
      const variants = PARAMS[prefix];
      if (!variants) {
        problems.push(`${key}: no id for ${segment} (add '${prefix}' to PARAMS)`);
        return;
      }
      params.push(Object.entries(variants).map(([label, name]) => [segment, label, name]));
    });
    if (listed(key) > 1) problems.push(`${key}: listed in more than one of PUBLIC/STREAMS/SELF`);
    const kind: RouteCase['kind'] = PUBLIC[key]
      ? 'public'
      : STREAMS[key]
        ? 'stream'
        : SELF_SCOPED[key]
          ? 'self'
          : 'object';
    const hasParams = segments.some((s) => s.startsWith(':'));
    if (kind === 'object' && !hasParams) {
      problems.push(`${key}: no path parameter; list it in PUBLIC, STREAMS or SELF_SCOPED`);
      continue;
    }
    if (kind === 'self' && hasParams) problems.push(`${key}: SELF_SCOPED but has path params`);
    for (const combo of cartesian(params)) {
      const query = QUERIES[key];
      const fill = (id: (name: IdName) => string) => {
        let filled = path;
        for (const [segment, , name] of combo) {
          filled = filled.replace(segment, encodeURIComponent(id(name)));
        }
        const q = query?.(id);
        return q ? `${filled}?${q}` : filled;
      };
      cases.push({
        key,
        method,
        path,
        kind,
        variant: combo.map(([, label]) => label).join(', '),
        url: fill,
        pathIds: (id) => combo.map(([, , name]) => id(name)),
      });
    }
  }
  // Entries for routes that no longer exist make the tables lie: they fail too.
  const known = new Set<string>(keys);
  for (const table of [
    PUBLIC,
    STREAMS,
    SELF_SCOPED,
    VALIDATES_BEFORE_AUTHORIZING,
    QUERIES,
    C_IS_A_PARTNER,
  ]) {
    for (const key of Object.keys(table)) {
      if (!known.has(key)) problems.push(`${key}: in a table but not a route of the app`);
    }
  }
  for (const key of Object.keys(DENIAL_EXCEPTIONS)) {
    if (!known.has(key.slice(2))) problems.push(`${key}: in DENIAL_EXCEPTIONS but not a route`);
  }
  const prefixes = new Set(
    keys.flatMap((key) => {
      const segments = key.split(' ')[1]?.split('/') ?? [];
      return segments.flatMap((s, i) =>
        s.startsWith(':') ? [segments.slice(0, i + 1).join('/')] : [],
      );
    }),
  );
  for (const prefix of Object.keys(PARAMS)) {
    if (!prefixes.has(prefix)) problems.push(`PARAMS['${prefix}']: no route has this parameter`);
  }
  return { cases, problems };
}
