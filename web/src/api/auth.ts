import { useQuery } from '@tanstack/react-query';
import { ApiError, request } from './client';

export type Role = 'client' | 'therapist';

export type User = {
  id: string;
  email: string;
  displayName: string;
  role: Role;
};

export type RegisterInput = {
  email: string;
  password: string;
  displayName: string;
  role: Role;
};

export type LoginInput = {
  email: string;
  password: string;
  /** The code from an authenticator app, once two-step sign-in is on. */
  totp?: string;
};

export const meQueryKey = ['me'] as const;

let sessionEnded = false;

/**
 * Whether the server ended the session while the app was open (it expired, or the person signed
 * out elsewhere), so the sign-in page can say why it is there. Cleared by signing in again.
 */
export const endedSession = {
  mark(): void {
    sessionEnded = true;
  },
  clear(): void {
    sessionEnded = false;
  },
  get happened(): boolean {
    return sessionEnded;
  },
};

/** The signed-in person, or null when nobody is signed in. */
export async function fetchMe(): Promise<User | null> {
  try {
    const { user } = await request<{ user: User }>('GET', '/api/me');
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: fetchMe,
    staleTime: 60_000,
    retry: 1,
  });
}

export async function register(input: RegisterInput): Promise<User> {
  const { user } = await request<{ user: User }>('POST', '/api/auth/register', input);
  endedSession.clear();
  return user;
}

export async function login(input: LoginInput): Promise<User> {
  const { user } = await request<{ user: User }>('POST', '/api/auth/login', input);
  endedSession.clear();
  return user;
}

export async function logout(): Promise<void> {
  await request<undefined>('POST', '/api/auth/logout');
}
