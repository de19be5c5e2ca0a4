import { z } from 'zod';

export const CalendarToken = z
  .object({ token: z.string(), url: z.string() })
  .meta({ id: 'CalendarToken' });

export const FeedQuery = z.strictObject({ token: z.string().max(200).optional() });
