import { useSearchParams } from 'react-router';
import { useUpdateSearchParams } from './use-filters';

/** The address parameter that shows the console's own activity: `?console=shown`. */
export const CONSOLE_PARAM = 'console';

/**
 * Whether a list shows the console's own activity (its sign-ins' tokens and their audit entries):
 * hidden unless the address says `console=shown`, so a shared link shows what its sender saw.
 */
export function useConsoleActivity(): [boolean, (shown: boolean) => void] {
  const [params, setParams] = useSearchParams();
  const update = useUpdateSearchParams(setParams);
  return [params.get(CONSOLE_PARAM) === 'shown', (shown) => update({ [CONSOLE_PARAM]: shown ? 'shown' : undefined })];
}
