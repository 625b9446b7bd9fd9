/**
 * Prints the JavaScript and CSS the console's first screen loads (what dist/index.html names: its
 * module script, the modules it preloads, its stylesheets), raw and gzipped, and the largest lazy
 * chunks. Run after `npm run build`: `npm run size --workspace apps/console`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(import.meta.dirname, '../dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const base = '/console/';

const initial = new Set<string>();
for (const match of html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+\.(?:js|css))"/g)) {
  initial.add(match[1]!.replace(base, ''));
}

function size(file: string) {
  const bytes = fs.readFileSync(path.join(dist, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [...initial].map((file) => ({ file, ...size(file) }));
const total = (ext: string) => rows.filter((r) => r.file.endsWith(ext)).reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });

console.log('First screen (loaded by index.html):');
for (const row of rows) console.log(`  ${row.file.padEnd(40)} ${kb(row.raw).padStart(10)}  gzip ${kb(row.gzip).padStart(9)}`);
const js = total('.js');
const css = total('.css');
console.log(`Initial JavaScript: ${kb(js.raw)} (gzip ${kb(js.gzip)})`);
console.log(`Initial CSS:        ${kb(css.raw)} (gzip ${kb(css.gzip)})`);

const lazy = fs.readdirSync(path.join(dist, 'assets'))
  .map((name) => `assets/${name}`)
  .filter((file) => file.endsWith('.js') && !initial.has(file))
  .map((file) => ({ file, ...size(file) }))
  .sort((a, b) => b.gzip - a.gzip);
console.log(`Loaded on demand: ${lazy.length} chunks, gzip ${kb(lazy.reduce((sum, r) => sum + r.gzip, 0))}; largest:`);
for (const row of lazy.slice(0, 3)) console.log(`  ${row.file.padEnd(40)} gzip ${kb(row.gzip).padStart(9)}`);
