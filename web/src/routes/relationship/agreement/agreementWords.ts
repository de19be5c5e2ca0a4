/**
 * The agreement in words: who is who as the viewer names them, the fields under their headings,
 * reply times and meeting frequencies said plainly, and the word diff of a reworded rule.
 */
import type { AgreementField, Role, RuleAppliesTo } from '../../../api/agreement';
import type { RelationshipPage } from '../../../api/relationships';

/** The two members as the viewer names them, and who may write the agreement. */
export type People = {
  viewer: Role;
  clientName: string;
  therapistName: string;
  /** The other member's name (the therapist's, while solo). */
  other: string;
  solo: boolean;
  ended: boolean;
  /** The therapist once connected; the client while solo (what they understood was agreed). */
  writer: Role;
};

export function peopleOf(page: RelationshipPage, viewer: Role): People {
  const { relationship } = page;
  const solo = relationship.mode !== 'connected';
  return {
    viewer,
    clientName: page.clientName,
    therapistName: relationship.therapistName,
    other: viewer === 'client' ? relationship.therapistName : page.clientName,
    solo,
    ended: relationship.status === 'ended',
    writer: solo ? 'client' : 'therapist',
  };
}

/** "you", or the member's name. */
export function nameOf(people: People, role: Role): string {
  if (role === people.viewer) return 'you';
  return role === 'client' ? people.clientName : people.therapistName;
}

/** "Dr. Lee", "You": at the start of a sentence. */
export function NameOf(people: People, role: Role): string {
  return role === people.viewer ? 'You' : nameOf(people, role);
}

/** A reply time in words: hours below two days, days from there on. */
export function durationWords(hours: number): string {
  if (hours < 48) return hours === 1 ? '1 hour' : `${hours} hours`;
  const days = hours / 24;
  return Number.isInteger(days)
    ? `${days} days`
    : `${hours} hours (about ${Math.round(days)} days)`;
}

export function replyWords(hours: number): string {
  return `Replies within ${durationWords(hours)}`;
}

export function frequencyWords(days: number | null): string {
  if (days === null) return 'Not set';
  if (days === 1) return 'Every day';
  const usual: Record<number, string> = {
    7: ' (once a week)',
    14: ' (every two weeks)',
    28: ' (every four weeks)',
  };
  return `Every ${days} days${usual[days] ?? ''}`;
}

/** A field of the agreement, named as its section is headed. */
export function fieldName(field: AgreementField, people: People): string {
  switch (field) {
    case 'replyTimeHours':
      return 'Reply time';
    case 'sessionFrequencyDays':
      return 'How often we meet';
    case 'contact':
      return 'How to reach each other';
    case 'availability':
      return people.viewer === 'therapist'
        ? 'When you are available'
        : `When ${people.therapistName} is available`;
    case 'scheduling':
      return 'Scheduling and cancelling';
    case 'roomRules':
      return 'Rules of the room';
    case 'rules':
      return 'Rules of the room, one by one';
    case 'emergency':
      return 'Emergencies';
  }
}

/** "for both of you", "for you", "for Dr. Lee". */
export function appliesWords(people: People, appliesTo: RuleAppliesTo): string {
  return appliesTo === 'both' ? 'for both of you' : `for ${nameOf(people, appliesTo)}`;
}

/** A rule that holds for one side only, said plainly so the difference is visible. */
export function oneSidedNote(people: People, appliesTo: RuleAppliesTo): string | null {
  if (appliesTo === 'both') return null;
  const otherRole: Role = appliesTo === 'client' ? 'therapist' : 'client';
  return appliesTo === people.viewer
    ? `This rule applies to you but not to ${nameOf(people, otherRole)}.`
    : `This rule applies to ${nameOf(people, appliesTo)} but not to you.`;
}

/** "For both of you" from "for both of you". */
export function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The same word diff as the server's, so a rule reworded reads the same everywhere. */
export { wordDiff } from '@attune/core/agreement';
