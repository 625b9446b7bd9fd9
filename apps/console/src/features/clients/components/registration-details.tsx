import { Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useRegistrationToken } from '../../../lib/api/get-registration-token';
import type { Client } from '../../../lib/contract';
import { toRegistration } from '../../../lib/links';

/** A URL the client gave: a link when it is http(s), which the API requires, else plain text. */
function ExternalUrl({ url }: { url: string }) {
  if (!/^https?:\/\//i.test(url)) return <code>{url}</code>;
  return (
    <a href={url} rel="noreferrer noopener" target="_blank">
      {url}
    </a>
  );
}

function TokenLink({ id }: { id: string }) {
  const token = useRegistrationToken(id);
  if (token.isError) return <>a registration token no longer kept</>;
  return (
    <>
      registration token{' '}
      <Link to={toRegistration({ token: id })}>{token.data ? <code>{token.data.prefix}…</code> : id}</Link>
      {token.data?.description && <> ({token.data.description})</>}
    </>
  );
}

/** How the client came to be registered: by an administrator, by itself (with which token, from where), or from its metadata document. */
export function HowRegistered({ client }: { client: Client }) {
  const { kind, initialAccessTokenId, sourceAddress } = client.registration;
  if (kind === 'admin') return <>By an administrator</>;
  if (kind === 'metadata_document') {
    return (
      <>
        From its metadata document at <ExternalUrl url={client.id} />
      </>
    );
  }
  return (
    <>
      By itself (dynamic registration), {initialAccessTokenId === null ? <>without a token</> : <>with <TokenLink id={initialAccessTokenId} /></>}
      {sourceAddress !== null && (
        <>
          , from <code>{sourceAddress}</code>
        </>
      )}
    </>
  );
}

/** The client's RFC 7591 metadata beyond its settings: application type, policy and terms, contacts, software, keys. */
export function ClientMetadata({ client }: { client: Client }) {
  const software = [client.softwareId, client.softwareVersion && `version ${client.softwareVersion}`].filter(Boolean).join(', ');
  const keys = client.jwksUri !== null ? (
    <>
      From <ExternalUrl url={client.jwksUri} />
    </>
  ) : client.jwks !== null ? (
    `Given inline (${client.jwks.keys.length} ${client.jwks.keys.length === 1 ? 'key' : 'keys'})`
  ) : null;
  const rows: [string, ReactNode][] = [
    ['Policy', client.policyUrl && <ExternalUrl url={client.policyUrl} />],
    ['Terms of service', client.termsUrl && <ExternalUrl url={client.termsUrl} />],
    ['Contacts', client.contacts.length > 0 && client.contacts.map((contact) => <div key={contact}>{contact}</div>)],
    ['Software', software],
    ['Public keys', keys],
  ];
  const given = rows.filter(([, value]) => value);
  return (
    <>
      <dl className="details">
        <dt>Application type</dt>
        <dd>{client.applicationType === 'native' ? 'Native (runs on a device)' : 'Web'}</dd>
        {given.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
      {given.length === 0 && <p className="muted">No policy or terms URL, contacts, software or public keys registered.</p>}
    </>
  );
}
