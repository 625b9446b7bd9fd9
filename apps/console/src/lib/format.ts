/** A date and time in the user's locale, short form; `—` for null. */
export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A number of seconds as the API's duration style reads best: `90s`, `15m`, `1h`, `30d`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'server default';
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Parses a duration typed in a form (`3600`, `90s`, `15m`, `1h`, `30d`) to seconds; null when blank, NaN when malformed. */
export function parseDuration(text: string): number | null {
  const value = text.trim();
  if (value === '') return null;
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(value);
  if (!match) return Number.NaN;
  const size = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * size;
}
