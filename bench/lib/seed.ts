import { randomUUID } from 'node:crypto';

/**
 * Seeds, through the HTTP API, a connected client and therapist with three years of weekly
 * appointments, each with the client's and the therapist's check-in.
 */

async function call(base: string, method: string, url: string, body: unknown, cookie?: string) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status >= 300)
    throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  return {
    json: (await response.json()) as Record<string, Record<string, string>>,
    cookie: response.headers.get('set-cookie')?.split(';')[0],
  };
}

async function person(base: string, role: 'client' | 'therapist') {
  const registered = await call(base, 'POST', '/api/auth/register', {
    email: `bench-${role}-${randomUUID()}@example.test`,
    password: 'a long bench password 1',
    displayName: role === 'client' ? 'Robin' : 'Avery',
    role,
  });
  return registered.cookie ?? '';
}

export async function seedThreeYears(base: string) {
  const clientCookie = await person(base, 'client');
  const therapistCookie = await person(base, 'therapist');
  const { json: created } = await call(
    base,
    'POST',
    '/api/relationships',
    { therapistName: 'Avery' },
    clientCookie,
  );
  const relationshipId = created.relationship?.id ?? '';
  const { json: invite } = await call(
    base,
    'POST',
    `/api/relationships/${relationshipId}/invites`,
    {},
    clientCookie,
  );
  await call(base, 'POST', `/api/invites/${invite.invite?.code}/accept`, {}, therapistCookie);
  const start = Date.UTC(2023, 10, 6, 16);
  for (let week = 0; week < 156; week++) {
    const { json } = await call(
      base,
      'POST',
      `/api/relationships/${relationshipId}/appointments`,
      {
        startsAt: new Date(start + week * 7 * 86_400_000).toISOString(),
        durationMinutes: 50,
        kind: 'individual',
      },
      clientCookie,
    );
    const appointmentId = json.appointment?.id;
    const score = (n: number) => ({
      bond: n,
      goals: n,
      method: n - 1,
      overall: n,
      tension: week % 9 === 0 ? 2 : 0,
    });
    await call(
      base,
      'POST',
      `/api/appointments/${appointmentId}/checkins`,
      score(7 + (week % 3)),
      clientCookie,
    );
    await call(
      base,
      'POST',
      `/api/appointments/${appointmentId}/checkins`,
      score(8),
      therapistCookie,
    );
  }
  return { relationshipId, clientCookie, therapistCookie };
}
