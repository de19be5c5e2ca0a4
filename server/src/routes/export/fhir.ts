import { ALLIANCE_ITEMS, type AllianceItem, ITEM_MAX, TENSION_MAX } from '@attune/core/checkin';
import type { appointments, checkins } from '../../db/schema.ts';

/**
 * Check-ins as FHIR R4 resources: one Questionnaire describing Attune's own check-in items
 * (PRODUCT.md; not a validated clinical instrument) and one QuestionnaireResponse per check-in.
 * No Patient or Practitioner resources are made: the author is named by a logical reference.
 */

export const QUESTIONNAIRE_URL = 'urn:attune:questionnaire:session-checkin';
export const QUESTIONNAIRE_VERSION = '1';

const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';

/** The client's wording (the therapist's version mirrors it, about the client). */
export const ITEM_TEXT: Record<AllianceItem, string> = {
  bond: 'I felt heard, understood and respected',
  goals: 'We worked on what I wanted to work on',
  method: 'The way we worked suited me',
  overall: "Overall, today's session was right for me",
};
export const TENSION_TEXT = 'Was there tension, a misunderstanding or distance between us?';
export const RESOLVED_TEXT = 'How much was it eased by the end?';
export const NOTE_TEXT = 'Anything else';
// The response items repeat these exact words: validators compare them with the Questionnaire.

/** Every linkId of the Questionnaire, in order. */
export const LINK_IDS = [...ALLIANCE_ITEMS, 'tension', 'resolved', 'note'] as const;

type Extension = { url: string; valueInteger: number };
type QuestionnaireItem = {
  linkId: string;
  text: string;
  type: 'integer' | 'text';
  required: boolean;
  extension?: Extension[];
  enableWhen?: { question: string; operator: '>'; answerInteger: number }[];
};

const range = (max: number): Extension[] => [
  { url: MIN_VALUE, valueInteger: 0 },
  { url: MAX_VALUE, valueInteger: max },
];

export function questionnaire() {
  const item: QuestionnaireItem[] = [
    ...ALLIANCE_ITEMS.map(
      (linkId): QuestionnaireItem => ({
        linkId,
        text: ITEM_TEXT[linkId],
        type: 'integer',
        required: true,
        extension: range(ITEM_MAX),
      }),
    ),
    {
      linkId: 'tension',
      text: TENSION_TEXT,
      type: 'integer',
      required: true,
      extension: range(TENSION_MAX),
    },
    {
      linkId: 'resolved',
      text: RESOLVED_TEXT,
      type: 'integer',
      required: false,
      extension: range(TENSION_MAX),
      enableWhen: [{ question: 'tension', operator: '>', answerInteger: 0 }],
    },
    { linkId: 'note', text: NOTE_TEXT, type: 'text', required: false },
  ];
  return {
    resourceType: 'Questionnaire' as const,
    id: 'attune-session-checkin',
    url: QUESTIONNAIRE_URL,
    version: QUESTIONNAIRE_VERSION,
    name: 'AttuneSessionCheckin',
    title: 'Attune session check-in',
    status: 'active' as const,
    description:
      "Attune's own short post-session check-in: four 0–10 alliance items (their sum is the alliance score, 0–40), a 0–4 tension question and, when there was tension, how much it eased. It is not a validated clinical instrument.",
    item,
  };
}

type CheckinRow = typeof checkins.$inferSelect;
type AppointmentRow = Pick<typeof appointments.$inferSelect, 'id' | 'startsAt'>;

type ResponseItem = {
  linkId: string;
  text: string;
  answer: [{ valueInteger: number } | { valueString: string }];
};

/** One check-in as a completed QuestionnaireResponse; an unanswered item is left out. */
export function questionnaireResponse(
  c: CheckinRow,
  appointment: AppointmentRow | undefined,
  author: { id: string; displayName: string },
) {
  const int = (linkId: string, text: string, value: number): ResponseItem => ({
    linkId,
    text,
    answer: [{ valueInteger: value }],
  });
  const item: ResponseItem[] = [
    ...ALLIANCE_ITEMS.map((linkId) => int(linkId, ITEM_TEXT[linkId], c[linkId])),
    int('tension', TENSION_TEXT, c.tension),
  ];
  if (c.resolved !== null) item.push(int('resolved', RESOLVED_TEXT, c.resolved));
  if (c.note !== null && c.note.trim() !== '') {
    item.push({ linkId: 'note', text: NOTE_TEXT, answer: [{ valueString: c.note }] });
  }
  return {
    resourceType: 'QuestionnaireResponse' as const,
    id: c.id,
    identifier: { system: 'urn:attune:checkin', value: c.id },
    questionnaire: QUESTIONNAIRE_URL,
    status: 'completed' as const,
    authored: c.createdAt.toISOString(),
    author: {
      type: c.respondent === 'client' ? 'Patient' : 'Practitioner',
      identifier: { system: 'urn:attune:user', value: author.id },
      display: author.displayName,
    },
    encounter: {
      type: 'Encounter',
      identifier: { system: 'urn:attune:appointment', value: c.appointmentId },
      ...(appointment ? { display: `Appointment at ${appointment.startsAt.toISOString()}` } : {}),
    },
    item,
  };
}
