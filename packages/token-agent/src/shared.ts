import { TokenAgent, type TokenAgentOptions } from './agent.js';
import { TokenAgentError } from './errors.js';

let shared: TokenAgent | undefined;

/**
 * Sets the process-wide agent that {@link sharedTokenAgent} returns, from
 * options or an existing agent, replacing any earlier one. Call it once at
 * start-up.
 */
export function configureTokenAgent(options: TokenAgentOptions | TokenAgent): TokenAgent {
  shared = options instanceof TokenAgent ? options : new TokenAgent(options);
  return shared;
}

/**
 * The agent set by {@link configureTokenAgent}.
 * @throws TokenAgentError with code `not_configured` when there is none yet.
 */
export function sharedTokenAgent(): TokenAgent {
  if (!shared) throw new TokenAgentError('not_configured', 'no shared TokenAgent: call configureTokenAgent() first');
  return shared;
}

/** Forgets the shared agent (for tests). */
export function resetSharedTokenAgent(): void {
  shared = undefined;
}
