import { readFileSync } from 'node:fs';
import { parseTraceJsonl } from './src/trace/jsonl.js';
import { parseJsonl } from './src/history/formats/jsonl.js';
const t = parseTraceJsonl(readFileSync('/tmp/mw/broadcast/trace.jsonl', 'utf8'), 'trace');
console.log(t.events.length, t.header.nodes.length);
const h = parseJsonl(readFileSync('/tmp/mw/broadcast/history.jsonl', 'utf8'), 'h');
console.log(h.events.length);
