import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addPastSession, addTherapist, api, type Person, signUp } from './flows.ts';
import {
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  startWorld,
  uniqueEmail,
  type World,
  waitForHeading,
} from './support.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

const PHONE = { width: 320, height: 640 };

/** Clicks what starts a download and returns the downloaded file's text. */
async function downloadedText(page: Page, start: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), start()]);
  const path = await download.path();
  return readFile(path, 'utf8');
}

type ExportJson = {
  format: string;
  account: { email: string; displayName: string };
  checkins: { note: string | null }[];
  fhir: { questionnaire: { resourceType: string }; responses: { resourceType: string }[] };
};

describe('exporting my data', () => {
  test('from "Who has seen my records", with progress, as JSON with FHIR and as a CSV of check-ins', async () => {
    const robin = await world.newPage(PHONE);
    const me: Person = {
      displayName: 'Robin',
      email: uniqueEmail('client'),
      password: GOOD_PASSWORD,
      role: 'client',
    };
    await signUp(robin, me);
    const relationshipId = await addTherapist(robin, 'Dr. Lee');
    const appointmentId = await addPastSession(robin, relationshipId, 2);
    const note = 'Felt "heard", mostly; then =the shoes again';
    await api(robin, 'POST', `/api/appointments/${appointmentId}/checkins`, {
      bond: 8,
      goals: 7,
      method: 8,
      overall: 7,
      tension: 0,
      note,
    });

    await robin.goto('/settings/privacy/audit');
    await robin.getByRole('link', { name: 'export your data' }).click();
    await waitForHeading(robin, 'Export your data');
    await expectAccessible(robin, 'the export page');
    await expectNoHorizontalScroll(robin, 'the export page');
    await expectCalmWords(robin, 'the export page');

    await robin.getByRole('button', { name: 'Prepare my file' }).click();
    const link = robin.getByRole('link', { name: /Download your file/ });
    await link.waitFor();
    await robin.getByText(/^Ready: attune-export-\d{4}-\d{2}-\d{2}\.json\.$/).waitFor();
    const json = JSON.parse(await downloadedText(robin, () => link.click())) as ExportJson;
    expect(json.format).toBe('attune-export/1');
    expect(json.account).toMatchObject({ email: me.email, displayName: 'Robin' });
    expect(json.checkins.map((c) => c.note)).toEqual([note]);
    expect(json.fhir.questionnaire.resourceType).toBe('Questionnaire');
    expect(json.fhir.responses.map((r) => r.resourceType)).toEqual(['QuestionnaireResponse']);

    const csv = await downloadedText(robin, () =>
      robin.getByRole('link', { name: 'Download your check-ins as a spreadsheet (CSV)' }).click(),
    );
    const [header, row] = csv.split('\r\n');
    expect(header).toContain('note');
    // Quotes doubled, and a cell that a spreadsheet would run as a formula is defused.
    expect(row).toContain('"Felt ""heard"", mostly; then =the shoes again"');
  });
});
