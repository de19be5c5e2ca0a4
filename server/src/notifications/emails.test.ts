import { describe, expect, it } from 'vitest';
import { composeEmail, type EmailContext, safeName } from './emails.ts';
import type { NoticeKind } from './notifier.ts';
import { categoryOf } from './settings.ts';

const context = (kind: NoticeKind, change: Partial<EmailContext> = {}): EmailContext => ({
  kind,
  recipientName: 'Dr. Avery',
  recipientRole: 'therapist',
  otherName: 'Robin',
  relationshipId: '0b7e4c1e-2f7a-4c7e-9f0e-0d7c1b9a2e11',
  publicUrl: 'https://attune.example',
  ...change,
});

const kinds = Object.keys(categoryOf) as NoticeKind[];

describe('composeEmail', () => {
  it.each(kinds.filter((kind) => categoryOf[kind] !== null))(
    '%s: a subject, a greeting, a link to the right tab and the settings, for both roles',
    (kind) => {
      for (const recipientRole of ['client', 'therapist'] as const) {
        const email = composeEmail(context(kind, { recipientRole }));
        expect(email).not.toBeNull();
        expect(email!.subject).toContain('Robin');
        expect(email!.subject).not.toMatch(/[\r\n]/);
        expect(email!.text).toMatch(/^Hello Dr\. Avery,\n/);
        expect(email!.text).toMatch(
          /https:\/\/attune\.example\/relationships\/0b7e4c1e-2f7a-4c7e-9f0e-0d7c1b9a2e11\?tab=(messages|agreement|schedule)\n/,
        );
        expect(email!.text).toContain('https://attune.example/settings/notifications');
        expect(email!.text).toContain('never include what was written');
      }
    },
  );

  it('never emails a message being read, or notices being seen', () => {
    expect(composeEmail(context('message-read'))).toBeNull();
    expect(composeEmail(context('notifications-seen'))).toBeNull();
  });

  it('says "urgent" to the therapist only, and gives the reply time for a reply coming due', () => {
    expect(composeEmail(context('urgent-message'))!.subject).toContain('urgent');
    const toClient = composeEmail(context('urgent-message', { recipientRole: 'client' }))!;
    expect(`${toClient.subject} ${toClient.text}`).not.toMatch(/urgent|alert|warning|!/i);
    const due = composeEmail(context('reply-due', { dueAt: new Date('2026-11-19T14:00:00Z') }))!;
    expect(due.text).toContain('Thu 19 Nov, 14:00 UTC');
  });

  it('keeps the client’s side free of pressure words', () => {
    for (const kind of kinds) {
      const email = composeEmail(context(kind, { recipientRole: 'client', otherName: 'Sam' }));
      if (!email) continue;
      expect(`${email.subject}\n${email.text}`).not.toMatch(/alert|warning|risk|failure|!/i);
    }
  });
});

describe('safeName', () => {
  it('flattens line breaks and control characters, so a name cannot add a header or a line', () => {
    expect(safeName('Robin\r\nBcc: someone@example.test')).toBe('Robin Bcc: someone@example.test');
    expect(safeName('A\u0000B\u2028C')).toBe('A B C');
    expect(safeName('   ')).toBe('someone');
    expect(safeName('x'.repeat(100))).toHaveLength(60);
  });
});

describe('times in scheduling emails', () => {
  const at = new Date('2026-12-08T16:00:00Z');

  it("names a reminded appointment's time in the recipient's zone, with the zone", () => {
    const london = composeEmail(
      context('appointment-reminder', { appointmentAt: at, timezone: 'Europe/London' }),
    );
    expect(london?.text).toContain('Tue 8 Dec, 16:00 (Europe/London)');
    const tokyo = composeEmail(
      context('appointment-reminder', { appointmentAt: at, timezone: 'Asia/Tokyo' }),
    );
    expect(tokyo?.text).toContain('Wed 9 Dec, 01:00 (Asia/Tokyo)');
    const plain = composeEmail(context('appointment-reminder', { appointmentAt: at }));
    expect(plain?.text).toContain('Tue 8 Dec, 16:00 (UTC)');
  });

  it('names the first appointment after time off, or says none is scheduled yet', () => {
    const next = composeEmail(
      context('time-off', { appointmentAt: at, timezone: 'America/New_York' }),
    );
    expect(next?.text).toContain(
      'Your next appointment is on Tue 8 Dec, 11:00 (America/New_York).',
    );
    const none = composeEmail(context('time-off', { appointmentAt: null }));
    expect(none?.text).toContain('no appointment scheduled after it yet');
  });
});
