import { z } from 'zod';
import { CrisisResources } from '../crisis/resources.ts';

/** The community's wire shapes (docs/api/community.md). */

export const COMMUNITY_TAGS = [
  'ruptures',
  'repair',
  'scheduling',
  'endings',
  'parts',
  'boundaries',
  'attachment',
  'messages',
  'trust',
  'starting-therapy',
  'finding-a-therapist',
  'feeling-unheard',
  'dissociation',
  'grief',
  'couples',
  'self-care',
  'other',
] as const;
export type CommunityTag = (typeof COMMUNITY_TAGS)[number];

export const PSEUDONYM = /^[A-Za-z0-9_-]{3,30}$/;

const Pseudonym = z
  .string('Please choose a name as text.')
  .trim()
  .regex(PSEUDONYM, 'Please use 3 to 30 letters (a–z), digits, "_" or "-", without spaces.');

/** Trimmed text of 1 to `max` characters. */
const text = (max: number, what: string) =>
  z
    .string(`Please write ${what} as text.`)
    .trim()
    .min(1, `Please write ${what}.`)
    .max(max, `Please keep ${what} under ${max.toLocaleString('en')} characters.`);

/** Optional trimmed text; empty (or null) means none. */
const optionalText = (max: number, what: string) =>
  z
    .string(`Please write ${what} as text.`)
    .trim()
    .max(max, `Please keep ${what} under ${max.toLocaleString('en')} characters.`)
    .nullable()
    .optional()
    .transform((value) => (value ? value : null));

const Tag = z.enum(COMMUNITY_TAGS, {
  error: `Please choose tags from the list: ${COMMUNITY_TAGS.join(', ')}.`,
});

const Id = z.string('Please give an id.').max(100);

export const Profile = z
  .object({
    pseudonym: z.string(),
    bio: z.string().nullable(),
    askBoxOpen: z.boolean(),
    allowAnonymous: z.boolean(),
    answeredCount: z.number().int(),
  })
  .meta({ id: 'CommunityProfile' });

export const OwnProfile = Profile.extend({
  trusted: z.boolean(),
  suspended: z.boolean(),
  suspensionReason: z.string().nullable(),
  createdAt: z.string(),
}).meta({ id: 'CommunityOwnProfile' });

export const OwnProfileResponse = z.object({
  profile: OwnProfile.nullable(),
  moderator: z.boolean(),
});
export const PutOwnProfileResponse = z.object({ profile: OwnProfile });
export const ProfileResponse = z.object({ profile: Profile });

export const PutProfileBody = z.strictObject({
  pseudonym: Pseudonym,
  askBoxOpen: z.boolean('Please say whether your ask box is open (true or false).'),
  allowAnonymous: z.boolean('Please say whether anonymous asks are welcome (true or false).'),
  bio: optionalText(500, 'your bio'),
});

export const PseudonymParams = z.strictObject({ pseudonym: z.string().max(200) });
export const IdParams = z.strictObject({ id: z.string().max(200) });

const Author = z.object({ pseudonym: z.string() }).nullable();
const Helped = z.object({ byMe: z.boolean(), someone: z.boolean() });

export const Answer = z
  .object({
    id: z.string(),
    questionId: z.string(),
    body: z.string(),
    contentWarning: z.string().nullable(),
    author: Author,
    private: z.boolean(),
    status: z.enum(['held', 'published', 'removed']),
    createdAt: z.string(),
    mine: z.boolean(),
    crisisLanguage: z.boolean(),
    collapsed: z.boolean(),
    helped: Helped,
  })
  .meta({ id: 'CommunityAnswer' });

const QuestionFields = {
  id: z.string(),
  title: z.string().nullable(),
  body: z.string(),
  tags: z.array(z.string()),
  contentWarning: z.string().nullable(),
  anonymous: z.boolean(),
  asker: Author,
  to: z.object({ pseudonym: z.string() }).nullable(),
  followUpOf: z.string().nullable(),
  status: z.enum(['held', 'open', 'answered', 'removed']),
  createdAt: z.string(),
  mine: z.boolean(),
  crisisLanguage: z.boolean(),
  collapsed: z.boolean(),
  helped: Helped,
  answers: z.array(Answer),
};

export const FollowUp = z.object(QuestionFields).meta({ id: 'CommunityFollowUp' });
export const Question = z
  .object({ ...QuestionFields, followUps: z.array(FollowUp) })
  .meta({ id: 'CommunityQuestion' });

export const QuestionResponse = z.object({ question: Question });
export const QuestionList = z.object({ items: z.array(Question) });
export const QuestionPage = z.object({
  items: z.array(Question),
  nextCursor: z.string().nullable(),
});
export const AnswerResponse = z.object({ answer: Answer });

export const AskBody = z.strictObject({
  body: text(5_000, 'your question'),
  title: optionalText(200, 'the title'),
  tags: z
    .array(Tag, 'Please give the tags as a list.')
    .max(5, 'Please choose at most 5 tags.')
    .refine((tags) => new Set(tags).size === tags.length, 'Please give each tag once.')
    .optional(),
  contentWarning: optionalText(200, 'the content warning'),
  anonymous: z.boolean('Please say yes or no (true or false).').optional(),
  to: z.string('Please give the pseudonym as text.').trim().max(200).optional(),
  followUpOf: Id.optional(),
});

export const BoardQuery = z.strictObject({
  tag: Tag.optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce
    .number('Please give a number from 1 to 100.')
    .int('Please give a whole number.')
    .min(1, 'Please give a number from 1 to 100.')
    .max(100, 'Please give a number from 1 to 100.')
    .optional(),
});

export const AnswerBody = z.strictObject({
  body: text(20_000, 'your answer'),
  contentWarning: optionalText(200, 'the content warning'),
  private: z.boolean('Please say yes or no (true or false).').optional(),
});

export const HelpedBody = z.strictObject({
  helped: z.boolean('Please say yes or no (true or false).'),
});
export const HelpedResponse = z.object({ helped: Helped });

export const CheckBody = z.strictObject({ text: z.string('Please give the text.').max(20_000) });
export const CheckResponse = z.object({
  crisisLanguage: z.boolean(),
  resources: CrisisResources.nullable(),
});

export const TagList = z.object({ items: z.array(z.string()) });

export const REPORT_REASONS = ['harassment', 'spam', 'at-risk', 'other'] as const;
export const TARGET_TYPES = ['question', 'answer', 'profile'] as const;

export const ReportBody = z.strictObject({
  targetType: z.enum(TARGET_TYPES, { error: 'Please choose question, answer or profile.' }),
  targetId: z.string('Please say what you are reporting.').trim().min(1).max(200),
  reason: z.enum(REPORT_REASONS, {
    error: 'Please choose harassment, spam, at-risk or other.',
  }),
  note: optionalText(2_000, 'the note'),
});

export const Report = z.object({
  id: z.string(),
  targetType: z.enum(TARGET_TYPES),
  targetId: z.string(),
  reason: z.enum(REPORT_REASONS),
  createdAt: z.string(),
});
export const ReportResponse = z.object({ report: Report });

export const BlockBody = z
  .strictObject({
    questionId: Id.optional(),
    pseudonym: z.string('Please give the pseudonym as text.').trim().max(200).optional(),
  })
  .refine((b) => (b.questionId === undefined) !== (b.pseudonym === undefined), {
    message: 'Please give either a question or a pseudonym.',
    path: ['questionId'],
  });

export const Block = z
  .object({
    id: z.string(),
    via: z.enum(['question', 'pseudonym']),
    pseudonym: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'CommunityBlock' });
export const BlockResponse = z.object({ block: Block });
export const BlockList = z.object({ items: z.array(Block) });

export const MuteBody = z.strictObject({
  pseudonym: z.string('Please give the pseudonym as text.').trim().min(1).max(200),
});
export const Mute = z.object({ pseudonym: z.string(), createdAt: z.string() });
export const MuteResponse = z.object({ mute: Mute });
export const MuteList = z.object({ items: z.array(Mute) });

export const MUTE_WORD = /^[\p{L}\p{N}'’-]{1,50}$/u;
export const MuteWordsBody = z.strictObject({
  words: z
    .array(
      z
        .string('Please give each word as text.')
        .trim()
        .regex(MUTE_WORD, 'Please give single words (letters, digits, apostrophes or hyphens).'),
      'Please give the words as a list.',
    )
    .max(100, 'Please keep to 100 words.'),
});
export const MuteWords = z.object({ words: z.array(z.string()) });

export const NOTIFICATION_TYPES = ['ask', 'answer', 'care', 'moderation'] as const;
export const Notification = z
  .object({
    id: z.string(),
    type: z.enum(NOTIFICATION_TYPES),
    at: z.string(),
    seen: z.boolean(),
    questionId: z.string().nullable(),
    answerId: z.string().nullable(),
    message: z.string().nullable(),
    action: z.enum(['approved', 'removed', 'suspended', 'reinstated']).nullable(),
    reason: z.string().nullable(),
    resources: CrisisResources.nullable(),
  })
  .meta({ id: 'CommunityNotification' });
export const NotificationList = z.object({ items: z.array(Notification) });
export const NotificationsQuery = z.strictObject({
  unseen: z.enum(['true', 'false'], { error: 'Please give true or false.' }).optional(),
});
export const SeenBody = z.strictObject({
  ids: z.array(Id, 'Please give the ids as a list.').max(500).optional(),
});
export const SeenResponse = z.object({ unseen: z.number().int() });

export const MODERATION_ACTIONS = ['approve', 'remove', 'suspend', 'reinstate'] as const;
export const ModerationActionBody = z.strictObject({
  targetType: z.enum(TARGET_TYPES, { error: 'Please choose question, answer or profile.' }),
  targetId: z.string('Please say what this is about.').trim().min(1).max(200),
  action: z.enum(MODERATION_ACTIONS, {
    error: 'Please choose approve, remove, suspend or reinstate.',
  }),
  reason: optionalText(2_000, 'the reason'),
});
export const ModerationActionResponse = z.object({
  done: z.object({
    targetType: z.enum(TARGET_TYPES),
    targetId: z.string(),
    action: z.enum(MODERATION_ACTIONS),
  }),
});

export const QueueItem = z
  .object({
    targetType: z.enum(TARGET_TYPES),
    targetId: z.string(),
    reasons: z.array(z.enum(['held', 'crisis', 'report'])),
    reports: z.array(
      z.object({
        reason: z.enum(REPORT_REASONS),
        note: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
    content: z
      .object({
        title: z.string().nullable(),
        body: z.string(),
        contentWarning: z.string().nullable(),
        tags: z.array(z.string()),
        author: Author,
        to: z.object({ pseudonym: z.string() }).nullable(),
        anonymous: z.boolean(),
      })
      .nullable(),
    profile: z.object({ pseudonym: z.string(), bio: z.string().nullable() }).nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'CommunityQueueItem' });
export const QueueList = z.object({ items: z.array(QueueItem) });

export const EmptyBody = z.strictObject({});
