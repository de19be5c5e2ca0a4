import { useQuery } from '@tanstack/react-query';
import { request } from './client';

export type CrisisResource = {
  name: string;
  /** One number, or several in words ("113 or 0800-0113"). */
  phone?: string;
  /** A number that takes text messages. */
  text?: string;
  url?: string;
  region?: string;
  description?: string;
};

export type CrisisResources = {
  intro: string;
  notice: string;
  resources: CrisisResource[];
};

/**
 * Shown until the operator's list arrives, and instead of it when the server cannot be
 * reached: crisis help never depends on the server or on being signed in.
 */
export const defaultCrisisResources: CrisisResources = {
  intro: 'If you are in danger or might hurt yourself, call your local emergency number now.',
  notice:
    'Attune is not an emergency service. It cannot send help, and nobody is watching what you write here as you write it.',
  resources: [
    {
      name: '988 Suicide & Crisis Lifeline',
      region: 'United States',
      phone: '988',
      text: '988',
      url: 'https://988lifeline.org',
      description: 'Call or text 988, any time of day or night.',
    },
    {
      name: 'Samaritans',
      region: 'UK and Ireland',
      phone: '116 123',
      url: 'https://www.samaritans.org',
      description: 'Call 116 123 for free, any time of day or night.',
    },
    {
      name: '113 Zelfmoordpreventie',
      region: 'Netherlands',
      phone: '113 or 0800-0113',
      url: 'https://www.113.nl',
      description: 'Call 113, or 0800-0113 for free, or chat online, any time.',
    },
  ],
};

function isCrisisResources(value: unknown): value is CrisisResources {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<CrisisResources>;
  return (
    typeof v.intro === 'string' &&
    typeof v.notice === 'string' &&
    Array.isArray(v.resources) &&
    v.resources.every(
      (r: unknown) =>
        typeof r === 'object' && r !== null && typeof (r as CrisisResource).name === 'string',
    )
  );
}

async function fetchCrisisResources(): Promise<CrisisResources> {
  const data = await request<unknown>('GET', '/api/crisis-resources');
  // A misconfigured answer must not leave someone in crisis with a blank page.
  return isCrisisResources(data) ? data : defaultCrisisResources;
}

export function useCrisisResources() {
  return useQuery({
    queryKey: ['crisis-resources'],
    queryFn: fetchCrisisResources,
    staleTime: 10 * 60_000,
    retry: 1,
  });
}
