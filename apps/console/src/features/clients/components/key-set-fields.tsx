import { TextAreaField, TextField } from '../../../components/fields';
import type { KeySource } from './key-set';

/** Props of {@link KeySetFields}. */
export interface KeySetFieldsProps {
  /** Prefix of the inputs' ids; the error summary links to `${idPrefix}-jwksUri` and `${idPrefix}-jwks`. */
  idPrefix: string;
  /** The group's name; "Public keys" unless given. */
  legend?: string;
  keySource: KeySource;
  jwksUri: string;
  jwksText: string;
  errors: { jwks?: string; jwksUri?: string };
  onChange(change: Partial<{ keySource: KeySource; jwksUri: string; jwksText: string }>): void;
}

/** Where a private_key_jwt client's public keys come from: a URL the server fetches, or a JSON Web Key Set pasted. */
export function KeySetFields({ idPrefix, legend = 'Public keys', keySource, jwksUri, jwksText, errors, onChange }: KeySetFieldsProps) {
  return (
    <fieldset className="field key-set">
      <legend>{legend}</legend>
      <p className="hint">What its signed JWTs are checked with. Only public keys: the private key never leaves the client.</p>
      <div className="checkbox-list">
        <label className="checkbox">
          <input type="radio" name={`${idPrefix}-key-source`} value="uri" checked={keySource === 'uri'} onChange={() => onChange({ keySource: 'uri' })} />
          From a URL (jwks_uri): the client publishes them, and can rotate them by itself
        </label>
        <label className="checkbox">
          <input type="radio" name={`${idPrefix}-key-source`} value="inline" checked={keySource === 'inline'} onChange={() => onChange({ keySource: 'inline' })} />
          Pasted here (jwks): replaced only by an administrator
        </label>
      </div>
      {keySource === 'uri' ? (
        <TextField
          id={`${idPrefix}-jwksUri`}
          label="Key set URL"
          type="url"
          placeholder="https://app.example.com/jwks.json"
          value={jwksUri}
          onChange={(e) => onChange({ jwksUri: e.target.value })}
          error={errors.jwksUri}
          hint="https; fetched by the server when the client authenticates, kept for its Cache-Control, and fetched again for a key id it does not know."
        />
      ) : (
        <TextAreaField
          id={`${idPrefix}-jwks`}
          label="Key set (JSON)"
          rows={8}
          spellCheck={false}
          placeholder={'{"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…"}]}'}
          value={jwksText}
          onChange={(e) => onChange({ jwksText: e.target.value })}
          error={errors.jwks}
          hint="A JSON Web Key Set of at most 10 public keys (EC, RSA or OKP), as the client's library exports it."
        />
      )}
    </fieldset>
  );
}
