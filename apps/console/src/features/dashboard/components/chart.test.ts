import { describe, expect, it } from 'vitest';
import { fitLabel, xRange } from './chart';

describe('chart x range', () => {
  it('gives every time bucket its whole slot, half a step either side, so the bars fill the width and none is cut', () => {
    const hours = Array.from({ length: 24 }, (_, i) => 1_700_000_000 + i * 3600);
    expect(xRange(hours)).toEqual([hours[0]! - 1800, hours[23]! + 1800]);
    const days = [0, 86_400, 172_800];
    expect(xRange(days)).toEqual([-43_200, 172_800 + 43_200]);
    expect(xRange([5000])).toEqual([3200, 6800]);
  });

  it('centres category bars on their indexes', () => {
    expect(xRange([0, 1, 2], ['a', 'b', 'c'])).toEqual([-0.5, 2.5]);
  });
});

describe('category labels', () => {
  it('are cut to their slot with an ellipsis, never below four characters', () => {
    expect(fitLabel('Billing worker', 20)).toBe('Billing worker');
    expect(fitLabel('Billing worker', 8.9)).toBe('Billing…');
    expect(fitLabel('Billing worker', 1)).toBe('Bil…');
  });
});
