import { z } from 'zod';
import { RepairKind } from './schema.ts';

const Observation = z.object({ id: z.string(), count: z.number().int(), rule: z.string() });

export const Patterns = z
  .object({
    total: z.number().int(),
    byKind: z.object({
      withdrawal: z.number().int(),
      confrontation: z.number().int(),
      mixed: z.number().int(),
      unsure: z.number().int(),
      unspecified: z.number().int(),
    }),
    byStatus: z.object({
      open: z.number().int(),
      repairing: z.number().int(),
      repaired: z.number().int(),
      unresolved: z.number().int(),
    }),
    medianDaysToRepair: z.number().nullable(),
    repairedCount: z.number().int(),
    repairKindsBeforeRepair: z.array(z.object({ kind: RepairKind, ruptures: z.number().int() })),
    strengths: z.array(Observation),
    redFlags: z.array(Observation),
  })
  .meta({ id: 'Patterns' });

const RuleText = z.object({ id: z.string(), rule: z.string() });

/** Every rule of the panel, applying or not, so the page can say what would be shown when. */
export const PatternRules = z
  .object({ strengths: z.array(RuleText), redFlags: z.array(RuleText) })
  .meta({ id: 'PatternRules' });
