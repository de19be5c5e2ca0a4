import fs from 'node:fs';
import { z } from 'zod';

/** Crisis resources shown behind "Need help now?" on every page; the operator may replace them. */

export const CrisisResource = z.strictObject({
  name: z.string().min(1).max(200),
  phone: z.string().max(100).optional(),
  text: z.string().max(100).optional(),
  url: z.url().max(500).optional(),
  region: z.string().max(200).optional(),
  description: z.string().max(1000).optional(),
});

export const CrisisResources = z
  .strictObject({
    intro: z.string().min(1).max(2000),
    notice: z.string().min(1).max(2000),
    resources: z.array(CrisisResource).max(100),
  })
  .meta({ id: 'CrisisResources' });
export type CrisisResources = z.infer<typeof CrisisResources>;

export const DEFAULT_CRISIS_RESOURCES: CrisisResources = {
  intro: 'If you are in danger or might hurt yourself, call your local emergency number now.',
  notice:
    'Attune is not an emergency service and nobody watches it around the clock. These services can help right now.',
  resources: [
    {
      name: '988 Suicide & Crisis Lifeline',
      region: 'United States',
      phone: '988',
      text: '988',
      url: 'https://988lifeline.org',
      description: 'Call or text, any time.',
    },
    {
      name: 'Samaritans',
      region: 'United Kingdom and Ireland',
      phone: '116 123',
      url: 'https://www.samaritans.org',
      description: 'Free to call, any time.',
    },
    {
      name: '113 Zelfmoordpreventie',
      region: 'Netherlands',
      phone: '113 or 0800-0113',
      url: 'https://www.113.nl',
      description: 'Call or chat, any time.',
    },
    {
      name: 'Find a helpline',
      region: 'Other countries',
      url: 'https://findahelpline.com',
      description: 'Free, confidential helplines by country.',
    },
  ],
};

/** Reads the operator's file (JSON of the CrisisResources shape), or the defaults. */
export function loadCrisisResources(file: string | undefined): CrisisResources {
  if (!file) return DEFAULT_CRISIS_RESOURCES;
  const parsed = CrisisResources.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`ATTUNE_CRISIS_RESOURCES_FILE ${file} is not valid: ${parsed.error.message}`);
  }
  return parsed.data;
}
