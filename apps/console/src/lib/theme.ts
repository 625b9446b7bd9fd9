import { useCallback, useEffect, useState } from 'react';

/** The user's choice; `system` follows the operating system's light or dark setting. */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'tollgate.console.theme';

function stored(): Theme {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Sets the theme on the document root (`data-theme`); CSS picks colours from it. */
export function applyTheme(theme: Theme) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** Applies the remembered theme before the first render, so a dark console does not flash light. */
export function applyStoredTheme() {
  applyTheme(stored());
}

/** The chosen theme and a setter that applies and remembers it. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => applyTheme(theme), [theme]);
  const choose = useCallback((next: Theme) => {
    try {
      if (next === 'system') window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, next);
    } catch {
      // Not remembered, still applied.
    }
    setTheme(next);
  }, []);
  return [theme, choose];
}
