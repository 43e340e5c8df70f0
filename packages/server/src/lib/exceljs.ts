// ExcelJS, with its XML reader fixed for multi-byte characters.
//
// exceljs 4.4 decodes each compressed chunk of a sheet to text on its own, so a Chinese character
// split across two chunks turns into "��" (exceljs issues #2063, #2084, #2316; fixes unmerged).
// On a real roster that garbles a name or a "是" every few thousand rows. Until upstream fixes it,
// we replace its internal parse-sax module (before anything loads exceljs) with one that decodes
// the stream with a streaming TextDecoder. Import ExcelJS from here, never from 'exceljs' directly
// (a lint rule enforces it).
import { createRequire, Module } from 'node:module';
import type ExcelJSNamespace from 'exceljs';

const require = createRequire(import.meta.url);

function installUtf8SafeSaxParser(): void {
  const target = require.resolve('exceljs/lib/utils/parse-sax');
  if (require.cache[target]?.loaded && (require.cache[target].exports as { xinyuFixed?: boolean }).xinyuFixed) return;
  // saxes is exceljs' own dependency: resolve it from there
  const { SaxesParser } = createRequire(target)('saxes') as typeof import('saxes');
  type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };
  async function* parseSax(iterable: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream): AsyncGenerator<SaxEvent[]> {
    const parser = new SaxesParser();
    const decoder = new TextDecoder('utf-8');
    let error: Error | undefined;
    let events: SaxEvent[] = [];
    parser.on('error', (e) => (error = e));
    parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
    parser.on('text', (value) => events.push({ eventType: 'text', value }));
    parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
    for await (const chunk of iterable as AsyncIterable<Uint8Array | string>) {
      // stream: true keeps an incomplete trailing character for the next chunk
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (error) throw error;
      yield events;
      events = [];
    }
    const rest = decoder.decode();
    if (rest) parser.write(rest);
    if (error) throw error;
    if (events.length) yield events;
  }
  Object.assign(parseSax, { xinyuFixed: true });
  const m = new Module(target);
  m.filename = target;
  m.loaded = true;
  m.exports = parseSax;
  require.cache[target] = m;
}

installUtf8SafeSaxParser();
const ExcelJS = require('exceljs') as typeof ExcelJSNamespace;
export default ExcelJS;
