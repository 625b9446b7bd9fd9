import { describe, expect, it } from 'vitest';
import type { AuthorizationRequest, Storage } from '../types.js';
import { aClient, aUser, unique } from './fixtures.js';

export function describeInteractionStore(storage: () => Storage) {
  describe('InteractionStore', () => {
    async function anInteraction(expiresAt = 100_000) {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const request: AuthorizationRequest = {
        clientId: client.id, redirectUri: 'https://app.example/cb', redirectUriSent: true, scopes: ['openid'],
        state: 'xyz', nonce: null, codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256',
        prompt: ['login'], maxAge: 300, loginHint: 'ada', idTokenHintSubject: null,
      };
      const interaction = { id: unique('interaction'), browserHash: 'browser-hash', request, createdAt: 1000, expiresAt };
      await storage().interactions.create(interaction);
      return interaction;
    }

    it('keeps the request as it was given', async () => {
      const interaction = await anInteraction();
      expect(await storage().interactions.get(interaction.id)).toEqual({ ...interaction, userId: null, authTime: null, completedAt: null, decision: null });
      expect(await storage().interactions.get('unknown')).toBeNull();
    });

    it('records who signed in', async () => {
      const interaction = await anInteraction();
      const user = aUser();
      await storage().users.create(user, 1000);
      expect(await storage().interactions.authenticate(interaction.id, user.id, 2000)).toBe(true);
      expect(await storage().interactions.get(interaction.id)).toMatchObject({ userId: user.id, authTime: 2000 });
    });

    it('completes once, even when asked concurrently, and never after expiry', async () => {
      const interaction = await anInteraction();
      const results = await Promise.all(Array.from({ length: 10 }, () => storage().interactions.complete(interaction.id, 2000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await storage().interactions.get(interaction.id))?.completedAt).toBe(2000);
      const late = await anInteraction(5000);
      expect(await storage().interactions.complete(late.id, 5000)).toBe(false);
    });

    it('takes a decision only over the one it replaces (of concurrent answers exactly one counts), recording who signed in', async () => {
      const interaction = await anInteraction();
      const user = aUser();
      await storage().users.create(user, 1000);
      const login = { subject: user.id, authTime: 1500, amr: ['pwd'], remember: false };
      const answers = await Promise.all(Array.from({ length: 8 }, () => storage().interactions.decide(interaction.id, null, { login }, 2000)));
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await storage().interactions.get(interaction.id)).toMatchObject({ userId: user.id, authTime: 1500, decision: { login } });
      expect(await storage().interactions.decide(interaction.id, null, { reject: { error: 'access_denied', description: 'x' } }, 2000)).toBe(false);
      const consent = { scopes: ['openid'], remember: true };
      expect(await storage().interactions.decide(interaction.id, { login }, { login, consent }, 2000)).toBe(true);
      expect((await storage().interactions.get(interaction.id))?.decision).toEqual({ login, consent });
      expect(await storage().interactions.complete(interaction.id, 2500)).toBe(true);
      expect(await storage().interactions.decide(interaction.id, { login, consent }, { login }, 3000)).toBe(false);
      const late = await anInteraction(5000);
      expect(await storage().interactions.decide(late.id, null, { reject: { error: 'access_denied', description: 'x' } }, 5000)).toBe(false);
      expect(await storage().interactions.decide('unknown', null, { login }, 2000)).toBe(false);
    });

    it('purges expired interactions', async () => {
      const expired = await anInteraction(5000);
      const live = await anInteraction(1_000_000_000);
      await storage().interactions.purgeExpired(6000, 100);
      expect(await storage().interactions.get(expired.id)).toBeNull();
      expect(await storage().interactions.get(live.id)).not.toBeNull();
    });
  });
}
