import { http, HttpResponse } from 'msw';
import type { RegistrationPolicy } from '../../lib/contract';
import { db } from '../db';
import { unauthorized, type Reply } from './common';

/** The admin API's read-only registration policy, from the mock data. */
export const registrationPolicyHandlers = [
  http.get<never, never, Reply<RegistrationPolicy>>('/admin/api/registration-policy', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    return HttpResponse.json(db.registrationPolicy);
  }),
];
