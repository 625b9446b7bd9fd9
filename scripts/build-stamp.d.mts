export const BUILD_INPUTS: string[];
export const STAMP: string;
export function inputsHash(root: string): string;
export function isFresh(root: string): boolean;
export function writeStamp(root: string): void;
