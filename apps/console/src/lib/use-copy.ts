import { useState } from 'react';

/** Copies `value` to the clipboard on demand, and what became of the last try, for a status line. */
export function useCopy(value: string) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  const status = copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy: select the text and copy it yourself.' : '';
  return { copy, status };
}
