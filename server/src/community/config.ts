/**
 * The community's limits and retention, with defaults; tests set small ones per app
 * (`configureCommunity`), so that no test depends on the clock.
 */

export type Window = { limit: number; windowMs: number };

export type CommunityConfig = {
  /** Questions and asks (named and anonymous together) per person. */
  asks: Window;
  /** Answers per person. */
  answers: Window;
  /** Reports per person. */
  reports: Window;
  /** How long an anonymous asker stays linked to an ask after its last answer. */
  askerAfterAnswerMs: number;
  /** How long at most, answered or not. */
  askerMaxMs: number;
  /** How often, at most, a server runs the retention sweep on its own. */
  sweepEveryMs: number;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_COMMUNITY_CONFIG: CommunityConfig = {
  asks: { limit: 20, windowMs: HOUR },
  answers: { limit: 60, windowMs: HOUR },
  reports: { limit: 30, windowMs: HOUR },
  askerAfterAnswerMs: 30 * DAY,
  askerMaxMs: 90 * DAY,
  sweepEveryMs: HOUR,
};

const configs = new WeakMap<object, CommunityConfig>();

/** Changes the configuration of the app that owns `services` (tests). */
export function configureCommunity(services: object, changes: Partial<CommunityConfig>): void {
  configs.set(services, { ...communityConfig(services), ...changes });
}

export function communityConfig(services: object): CommunityConfig {
  return configs.get(services) ?? DEFAULT_COMMUNITY_CONFIG;
}
