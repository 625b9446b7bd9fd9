import type { z } from 'zod';
/**
 * What is refused in text an administrator sets and end users read (client
 * names, scope descriptions, display names): controls (C0, DEL, C1), line and
 * paragraph separators, and format characters (Unicode Cf). Those include the
 * bidirectional embeddings, overrides, isolates and marks, which reorder the
 * text around them ("photo\u202Egpj.exe" reads "photoexe.jpg"), and the
 * invisible ones: zero-width space, word joiner, byte order mark, tags. The
 * zero-width joiner and non-joiner stay: Persian, Indic scripts and emoji
 * sequences need them.
 */
const HIDDEN = /[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u;

/** The characters that set or mark text direction (UAX #9), which an isolated run must not carry. */
const DIRECTION = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The first character of `value` the rule refuses, as `U+202E`; null when there is none. */
export function hiddenCharacter(value: string): string | null {
  const found = HIDDEN.exec(value)?.[0];
  return found === undefined ? null : `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `value` may not be shown to end users, naming the first refused character; null when it may. */
export function displayTextProblem(value: string): string | null {
  const found = hiddenCharacter(value);
  return found === null ? null : `must not contain ${found} (a control, invisible or text direction character)`;
}

/**
 * `text` as a directionally isolated run (FSI … PDI), without direction
 * characters of its own, for plain text where an HTML `<bdi>` cannot go (a
 * page title, an attribute, a message): text stored before the rule was
 * enforced still cannot reorder what surrounds it.
 */
export function isolate(text: string): string {
  return `\u2068${text.replace(DIRECTION, '')}\u2069`;
}

/** Text end users read on our pages or in their ID tokens: no control, invisible or direction characters. */
export function displayText(text: z.ZodString): z.ZodString {
  return text.superRefine((value, ctx) => {
    const problem = displayTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
