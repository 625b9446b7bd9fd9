import { useId } from 'react';
import { SelectField } from '../../../components/fields';
import { errorMessage } from '../../../lib/api/errors';
import { useResources } from '../../../lib/api/list-resources';

/** Props of {@link ClientApiFields}. */
export interface ClientApiFieldsProps {
  /** Identifiers of the APIs the client may ask for; null for any API. */
  allowedResources: string[] | null;
  /** For a resource server, the identifier of the API it introspects for; '' for none. */
  resource: string;
  resourceServer: boolean;
  /** Whether to offer the APIs it may ask for (not for an API preset, which gets no tokens). */
  showAllowedResources?: boolean;
  /** Whether to offer the API it introspects for: then shown for a resource server, or while one is set. */
  showResource?: boolean;
  /** Ids of the fieldset and the select, for the form's error summary to link to. */
  ids?: { allowedResources?: string; resource?: string };
  /** The messages to show, keyed `allowedResources` and `resource`. */
  errors: Partial<Record<'allowedResources' | 'resource', string>>;
  onChange(change: { allowedResources?: string[] | null; resource?: string }): void;
}

/**
 * The client form's APIs: which it may ask tokens for (any, or a chosen list), and for a resource
 * server the API it introspects for. Identifiers the list no longer has still show, so saving
 * never drops one silently.
 */
export function ClientApiFields({
  allowedResources, resource, resourceServer, showAllowedResources = true, showResource = true, ids = {}, errors, onChange,
}: ClientApiFieldsProps) {
  const generated = useId();
  const id = ids.allowedResources ?? generated;
  const resources = useResources({ limit: 200 });
  const apis = (resources.data?.items ?? []).map((api) => ({ identifier: api.identifier, name: api.name }));
  for (const identifier of [...(allowedResources ?? []), ...(resource ? [resource] : [])]) {
    if (!apis.some((api) => api.identifier === identifier)) apis.push({ identifier, name: identifier });
  }
  const loadProblem = resources.isError ? `The API list could not be loaded: ${errorMessage(resources.error)}` : null;
  const restricted = allowedResources !== null;

  return (
    <>
      {showAllowedResources && (
        <fieldset id={id} className="field" aria-invalid={errors.allowedResources ? true : undefined} aria-describedby={errors.allowedResources ? `${id}-error` : undefined}>
          <legend>APIs this client may ask for</legend>
          {loadProblem && <p className="hint">{loadProblem}</p>}
          <div className="checkbox-list">
            <label className="checkbox">
              <input type="radio" name={`${id}-apis`} checked={!restricted} onChange={() => onChange({ allowedResources: null })} />
              Any API, with the scopes it is allowed
            </label>
            <label className="checkbox">
              <input type="radio" name={`${id}-apis`} checked={restricted} onChange={() => onChange({ allowedResources: [] })} />
              Only the APIs chosen here
            </label>
          </div>
          {restricted && (
            apis.length === 0 ? (
              <p className="hint">No API is registered yet: the client can ask for none.</p>
            ) : (
              <div className="checkbox-list nested">
                {apis.map((api) => (
                  <label key={api.identifier} className="checkbox">
                    <input
                      type="checkbox"
                      checked={allowedResources.includes(api.identifier)}
                      onChange={(event) => onChange({
                        allowedResources: event.target.checked ? [...allowedResources, api.identifier] : allowedResources.filter((value) => value !== api.identifier),
                      })}
                    />
                    <span>
                      <bdi>{api.name}</bdi> <code className="muted break-all">{api.identifier}</code>
                    </span>
                  </label>
                ))}
              </div>
            )
          )}
          {errors.allowedResources && <p className="field-error" id={`${id}-error`}>{errors.allowedResources}</p>}
        </fieldset>
      )}
      {showResource && (resourceServer || resource !== '') && (
        <SelectField
          id={ids.resource}
          label="API it introspects for"
          value={resource}
          onChange={(event) => onChange({ resource: event.target.value })}
          error={errors.resource}
          hint={showAllowedResources || !loadProblem
            ? 'A resource server linked to an API sees only tokens meant for that API.'
            : `A resource server linked to an API sees only tokens meant for that API. ${loadProblem}`}
        >
          <option value="">None: only tokens meant for no particular API</option>
          {apis.map((api) => (
            <option key={api.identifier} value={api.identifier}>
              {api.name === api.identifier ? api.identifier : `${api.name} (${api.identifier})`}
            </option>
          ))}
        </SelectField>
      )}
    </>
  );
}
