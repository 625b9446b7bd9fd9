import { useId } from 'react';

/** The switch every activity list has: the console's own sign-ins and their tokens are hidden unless it is on. */
export function ConsoleActivityToggle({ shown, onChange }: { shown: boolean; onChange(shown: boolean): void }) {
  const hint = useId();
  return (
    <div className="console-toggle">
      <label className="checkbox">
        <input type="checkbox" checked={shown} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint} />
        Show the console&rsquo;s own activity
      </label>
      <span id={hint} className="hint">
        {shown ? 'Including this console\u2019s sign-ins and their tokens.' : 'This console\u2019s sign-ins and their tokens are hidden.'}
      </span>
    </div>
  );
}
