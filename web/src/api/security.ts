import { useQuery } from '@tanstack/react-query';
import { request } from './client';

/** Two-factor sign-in and active sign-ins (API.md: Privacy and account). */

export type TwoFactorStatus = { enabled: boolean; recoveryCodesLeft: number };

export type TotpEnrolment = { secret: string; otpauthUri: string; qrSvg: string };

export type ActiveSignIn = {
  /** A display id, not the session itself. */
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  /** "Firefox on Android", when the browser said what it is. */
  userAgent: string | null;
};

export const securityKeys = {
  twoFactor: ['me', 'totp'] as const,
  signIns: ['me', 'sessions'] as const,
};

export function useTwoFactor() {
  return useQuery({
    queryKey: securityKeys.twoFactor,
    queryFn: () => request<TwoFactorStatus>('GET', '/api/me/totp'),
  });
}

export function useSignIns() {
  return useQuery({
    queryKey: securityKeys.signIns,
    queryFn: async () =>
      (await request<{ items: ActiveSignIn[] }>('GET', '/api/me/sessions')).items,
  });
}

export const startTwoFactor = (password: string) =>
  request<TotpEnrolment>('POST', '/api/me/totp', { password });

export const confirmTwoFactor = async (code: string) =>
  (await request<{ recoveryCodes: string[] }>('POST', '/api/me/totp/confirm', { code }))
    .recoveryCodes;

export const turnOffTwoFactor = (password: string, totp: string) =>
  request<undefined>('DELETE', '/api/me/totp', { password, totp });

export const endSignIn = (id: string) =>
  request<undefined>('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`);

export const signOutEverywhereElse = () =>
  request<undefined>('POST', '/api/me/sessions/sign-out-everywhere', {});

/** The secret in groups of four, easier to type into an app by hand. */
export const groupSecret = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

/** The server's own SVG as an image address: shown by <img>, so no markup enters the page. */
export function svgDataUrl(svg: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
