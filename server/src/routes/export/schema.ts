import { z } from 'zod';
import { Appointment } from '../appointments/schema.ts';
import { Checkin } from '../checkins/schema.ts';
import { Letter } from '../letters/schema.ts';
import { Message } from '../messages/schema.ts';
import { Part } from '../parts/schema.ts';
import { Relationship } from '../relationships/schema.ts';
import { Rupture } from '../ruptures/schema.ts';

/** The version of the export's shape; a change that breaks readers gets a new one. */
export const EXPORT_FORMAT = 'attune-export/1';

/**
 * The shape of `GET /api/me/export`, section by section. The route streams the document
 * without this schema (it is built piece by piece); the tests check every export against it.
 */

const Integer = z.number().int();
const Time = z.string();

const QuestionnaireItem = z.strictObject({
  linkId: z.string().min(1),
  text: z.string(),
  type: z.enum(['integer', 'text']),
  required: z.boolean(),
  extension: z.array(z.strictObject({ url: z.string(), valueInteger: Integer })).optional(),
  enableWhen: z
    .array(
      z.strictObject({ question: z.string(), operator: z.literal('>'), answerInteger: Integer }),
    )
    .optional(),
});

/** FHIR R4 Questionnaire: `status` is required (1..1). */
export const FhirQuestionnaire = z.strictObject({
  resourceType: z.literal('Questionnaire'),
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  url: z.string(),
  version: z.string(),
  name: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'active', 'retired', 'unknown']),
  description: z.string(),
  item: z.array(QuestionnaireItem).min(1),
});

const Identifier = z.strictObject({ system: z.string(), value: z.string() });

/** FHIR R4 QuestionnaireResponse: `status` is required (1..1); every answer has one value. */
export const FhirQuestionnaireResponse = z.strictObject({
  resourceType: z.literal('QuestionnaireResponse'),
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  identifier: Identifier,
  questionnaire: z.string(),
  status: z.enum(['in-progress', 'completed', 'amended', 'entered-in-error', 'stopped']),
  authored: Time,
  author: z.strictObject({
    type: z.enum(['Patient', 'Practitioner']),
    identifier: Identifier,
    display: z.string(),
  }),
  encounter: z.strictObject({
    type: z.literal('Encounter'),
    identifier: Identifier,
    display: z.string().optional(),
  }),
  item: z.array(
    z.strictObject({
      linkId: z.string().min(1),
      text: z.string(),
      answer: z
        .array(
          z.union([
            z.strictObject({ valueInteger: Integer }),
            z.strictObject({ valueString: z.string() }),
          ]),
        )
        .length(1),
    }),
  ),
});

export const ExportDocument = z.strictObject({
  exportedAt: Time,
  format: z.literal(EXPORT_FORMAT),
  account: z.strictObject({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(['client', 'therapist']),
    createdAt: Time,
  }),
  relationships: z.array(Relationship),
  appointments: z.array(Appointment),
  checkins: z.array(Checkin.extend({ relationshipId: z.string(), appointmentStartsAt: Time })),
  ruptures: z.array(Rupture),
  repairsWritten: z.array(z.record(z.string(), z.unknown())),
  parts: z.array(Part),
  letters: z.array(Letter),
  goodMoments: z.array(z.record(z.string(), z.unknown())),
  agendaItems: z.array(z.record(z.string(), z.unknown())),
  agreements: z.array(z.record(z.string(), z.unknown())),
  agreementAcknowledgements: z.array(
    z.strictObject({
      agreementId: z.string(),
      relationshipId: z.string(),
      version: Integer,
      acknowledgedAt: Time,
    }),
  ),
  messages: z.array(Message.extend({ direction: z.enum(['sent', 'received']) })),
  appointmentRequests: z.array(z.record(z.string(), z.unknown())),
  slots: z.array(z.record(z.string(), z.unknown())),
  timeOff: z.array(z.record(z.string(), z.unknown())),
  openTimes: z.array(z.record(z.string(), z.unknown())),
  couples: z.array(z.record(z.string(), z.unknown())),
  notificationSettings: z.record(z.string(), z.unknown()),
  fhir: z.strictObject({
    questionnaire: FhirQuestionnaire,
    responses: z.array(FhirQuestionnaireResponse),
  }),
});
