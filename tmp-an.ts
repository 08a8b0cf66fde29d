import { readFileSync } from 'node:fs';
const lines = readFileSync('/tmp/mw/broadcast/history.jsonl','utf8').trim().split('\n').map(l=>JSON.parse(l));
// element -> add invoke time
const addAt = new Map<number, number>(); const addNode = new Map<number,string>();
const reads: {call:number, node:string, set:Set<number>}[] = [];
const pendingRead = new Map<number, {call:number,node:string}>();
for (const e of lines) {
  if (e.f==='broadcast' && e.type==='invoke') { addAt.set(e.value, e.time); addNode.set(e.value, e.node); }
  if (e.f==='read' && e.type==='invoke') pendingRead.set(e.process, {call:e.time, node:e.node});
  if (e.f==='read' && e.type==='ok') { const p = pendingRead.get(e.process)!; reads.push({...p, set:new Set(e.value)}); }
}
reads.sort((a,b)=>a.call-b.call);
const lat: [number, number, string][] = [];
for (const [v, t] of addAt) {
  // last read not containing v after t
  let lastMiss: typeof reads[0] | undefined; 
  for (const r of reads) if (r.call >= t && !r.set.has(v)) lastMiss = r;
  lat.push([lastMiss ? lastMiss.call - t : 0, v, lastMiss ? `${addNode.get(v)} -> missing at ${lastMiss.node} t=${lastMiss.call.toFixed(0)} add=${t.toFixed(0)}` : '']);
}
lat.sort((a,b)=>b[0]-a[0]);
console.log(lat.slice(0,15).map(x=>x.join(' ')).join('\n'));
