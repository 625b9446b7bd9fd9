import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { makeSettings } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';

describe('settings page', () => {
  it('shows the effective configuration, each value with the variable that sets it', async () => {
    renderApp('/settings');
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    const server = screen.getByRole('region', { name: 'Server' });
    expect(server).toHaveTextContent('Database DATABASE_URLSQLite ./data/tollgate.sqlite');
    expect(server).toHaveTextContent('Metrics token METRICS_TOKENNot set');
    const lifetimes = screen.getByRole('region', { name: 'Lifetimes' });
    expect(lifetimes).toHaveTextContent('Access tokens ACCESS_TOKEN_TTL1h');
    expect(lifetimes).toHaveTextContent('Refresh tokens REFRESH_TOKEN_TTL30d');
    const limits = screen.getByRole('region', { name: 'Rate limits' });
    expect(limits).toHaveTextContent('Token requests per client TOKEN_RATE_LIMIT600 per 1m');
    expect(within(limits).getByText('off')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Client registration' })).toHaveTextContent('Dynamic registration REGISTRATIONwith an initial access token');
  });

  it('says a secret is set without showing one, and names PostgreSQL', async () => {
    db.settings = makeSettings({
      database: { kind: 'postgres', location: 'postgres://tollgate:***@db.internal:5432/tollgate' }, metricsToken: 'set',
      keyEncryption: { source: 'variable', file: null }, registration: { mode: 'open', openGrantTypes: ['authorization_code'], openScopes: ['openid'], clientMetadataDocuments: false },
    });
    renderApp('/settings');
    const server = await screen.findByRole('region', { name: 'Server' });
    expect(server).toHaveTextContent('PostgreSQL postgres://tollgate:***@db.internal:5432/tollgate');
    expect(server).toHaveTextContent('Set (value hidden)');
    expect(server).toHaveTextContent('From KEY_ENCRYPTION_KEY (value hidden)');
    expect(screen.getByRole('region', { name: 'Client registration' })).toHaveTextContent('Open registration grant types OPEN_REGISTRATION_GRANT_TYPESauthorization_code');
  });
});
