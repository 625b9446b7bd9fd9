import { CopyBlock } from '../../../components/copy-block';
import { ErrorMessage, Loading } from '../../../components/states';
import { useSettings } from '../../../lib/api/get-settings';
import type { Client } from '../../../lib/contract';
import { quickStartSnippets } from './quick-start';

/** Copyable snippets filled in with the client's id and the server's addresses; `secret` when it is known (right after creation). */
export function QuickStart({ client, secret }: { client: Client; secret?: string | null }) {
  const settings = useSettings();
  if (settings.isPending) return <Loading label="Loading the server's addresses…" />;
  if (settings.isError) return <ErrorMessage error={settings.error} title="Could not load the server's addresses" onRetry={() => void settings.refetch()} />;
  const snippets = quickStartSnippets(client, settings.data.issuer, secret);
  return (
    <div className="quick-start">
      {snippets.map((snippet) => (
        <div key={snippet.id} className="snippet" data-snippet={snippet.id}>
          <CopyBlock label={snippet.label} text={snippet.text} />
          <p className="hint">{snippet.description}</p>
        </div>
      ))}
    </div>
  );
}

/** The Quick start tab. */
export function ClientQuickStartTab({ client }: { client: Client }) {
  return (
    <section className="card" aria-labelledby="client-quick-start">
      <h2 id="client-quick-start">Quick start</h2>
      {client.status === 'revoked' ? (
        <p>A revoked client gets no tokens.</p>
      ) : (
        <>
          <p className="muted">
            Filled in with this client&rsquo;s id and this server&rsquo;s addresses
            {client.tokenEndpointAuthMethod === 'none' ? '.' : <>; set <code>CLIENT_SECRET</code> in the environment.</>}
          </p>
          <QuickStart client={client} />
        </>
      )}
    </section>
  );
}
