import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasUnstorableCharacters } from '../../src/storage/text.js';

describe('text no store keeps as given', () => {
  it('is NUL anywhere, or a surrogate without its other half', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '😀\ud83d', '\ude00😀']) {
      expect(hasUnstorableCharacters(bad), JSON.stringify(bad)).toBe(true);
    }
    for (const good of ['', 'client_credentials', 'a b\tc\r\n', '\u0001\u007f', 'é ü ß', '\ufffd', '\uffff', '😀', '\ud83d\ude00\ud83d\ude00', 'ＡＢＣ']) {
      expect(hasUnstorableCharacters(good), JSON.stringify(good)).toBe(false);
    }
  });

  it('says the same as a round trip through UTF-8 and a NUL search, for any string', () => {
    const unit = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.constant('\u0000'),
    );
    fc.assert(fc.property(fc.string({ unit }), (text) => {
      const keptByUtf8 = Buffer.from(text, 'utf8').toString('utf8') === text;
      expect(hasUnstorableCharacters(text)).toBe(!keptByUtf8 || text.includes('\u0000'));
    }), { numRuns: 2000 });
  });
});
