import { describe, expect, it } from 'vitest';
import { displayTextProblem, isolate } from '../../src/validation/display-text.js';

describe('text shown to end users', () => {
  it.each([
    'Billing', 'Zoë & Co. <tm>', 'مكتبة', 'ספרייה', 'می‌خواهد', 'क्‍ष', '👩‍💻 Dev', '🇫🇷', 'Read your data', 'tab\u00A0nbsp',
  ])('accepts %s', (text) => {
    expect(displayTextProblem(text)).toBeNull();
  });

  it.each([
    ['\u0000', '0000'], ['a\tb', '0009'], ['a\nb', '000A'], ['\u001B[31m', '001B'], ['\u007F', '007F'], ['\u0080', '0080'], ['\u009F', '009F'],
    ['\u202A', '202A'], ['\u202B', '202B'], ['\u202C', '202C'], ['\u202D', '202D'], ['\u202E', '202E'],
    ['\u2066', '2066'], ['\u2067', '2067'], ['\u2068', '2068'], ['\u2069', '2069'], ['\u200E', '200E'], ['\u200F', '200F'], ['\u061C', '061C'],
    ['\u200B', '200B'], ['\u2060', '2060'], ['\uFEFF', 'FEFF'], ['\u00AD', '00AD'], ['\u2028', '2028'], ['\u2029', '2029'], ['\u{E0041}', 'E0041'],
  ])('refuses %j, naming U+%s', (character, codePoint) => {
    expect(displayTextProblem(`Pay${character}Pal`)).toBe(`must not contain U+${codePoint} (a control, invisible or text direction character)`);
  });

  it('isolates stored text and drops the direction characters it carries, so none can escape', () => {
    expect(isolate('Evil\u202Egnp.exe')).toBe('\u2068Evilgnp.exe\u2069');
    expect(isolate('a\u2069\u202Eb\u200F\u061C')).toBe('\u2068ab\u2069');
    expect(isolate('مكتبة')).toBe('\u2068مكتبة\u2069');
  });
});
