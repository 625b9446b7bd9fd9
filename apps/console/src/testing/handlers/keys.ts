import { http, HttpResponse } from 'msw';
import type { KeyRotation, SigningKeyList } from '../../lib/contract';
import { db } from '../db';
import { unauthorized, type Reply } from './common';

const now = '2025-06-02T09:00:00.000Z';
let rotations = 0;

/** The signing key operations over the mock data: a rotation retires the active keys and makes one per algorithm. */
export const keyHandlers = [
  http.get<never, never, Reply<SigningKeyList>>('/admin/api/keys', ({ request }) =>
    unauthorized(request) ?? HttpResponse.json({ items: db.keys, jwksUri: `${db.settings.issuer}/oauth/jwks` })),

  http.post<never, never, Reply<KeyRotation>>('/admin/api/keys/rotate', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    rotations += 1;
    const retired = db.keys.filter((key) => key.status === 'active').map((key) => key.kid);
    const created = (['ES256', 'RS256'] as const).map((algorithm) => ({
      kid: `${algorithm.toLowerCase()}-rotated-${rotations}`, algorithm, status: 'active' as const, createdAt: now, retiredAt: null, publishedUntil: null,
    }));
    db.keys = [
      ...created,
      ...db.keys.map((key) => (key.status === 'active' ? { ...key, status: 'retired' as const, retiredAt: now, publishedUntil: '2025-06-02T10:00:00.000Z' } : key)),
    ];
    return HttpResponse.json({ created, retired });
  }),
];
