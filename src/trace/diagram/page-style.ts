/**
 * The viewer page's style sheet (inline: the page must open with no network).
 */

import { MESSAGE_COLOURS } from './svg.js';

/** The style sheet; `typeCount` message types get a rule that the legend uses to hide them. */
export function pageStyle(typeCount: number): string {
  const colours = MESSAGE_COLOURS.map(
    (colour, index) => `.c${index}{stroke:${colour}} .swatch.c${index}{background:${colour}}`,
  ).join('\n');
  const hidden = Array.from({ length: typeCount }, (_, key) => `#lanes.hide-k${key} .k${key}`).join(',');
  return `${STYLE}\n${colours}\n${hidden === '' ? '' : `${hidden}{display:none}`}\n`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fafafa}
header.top{padding:10px 16px 6px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:17px;margin:0 0 6px;font-weight:600}
h2{font-size:14px;margin:14px 0 6px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.banner{margin:6px 0;padding:7px 10px;border-radius:4px}
.banner.fail{background:#fde8e8;border:1px solid #e0a0a0;color:#8b0000}
.banner.fail b{color:#b00}
.banner.ok{background:#eaf5ea;border:1px solid #b6d8b6;color:#225522}
.banner.note{background:#fff6e0;border:1px solid #e8d08a;color:#6b5200}
.banner a{color:inherit;font-weight:600;margin-left:6px}
.facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0}
.facts>span{white-space:nowrap}
.facts>span.wrap{white-space:normal;flex:1 1 0;min-width:320px}
.facts .k{color:#777}
.facts .label{color:#2a6fb0;font-weight:600;min-width:52px}
.settings span[title]{cursor:help}
.replay{display:flex;align-items:center;gap:6px;margin:4px 0}
.replay code{background:#f1f1f1;padding:3px 6px;border-radius:3px;border:1px solid #e2e2e2;white-space:pre-wrap;word-break:break-all}
button{font:inherit;font-size:12px;padding:2px 8px;border:1px solid #bbb;border-radius:3px;background:#fff;cursor:pointer}
button:hover{background:#f0f0f0}
button.on{background:#2a6fb0;color:#fff;border-color:#2a6fb0}
details{margin:4px 0}
details summary{cursor:pointer;color:#2a6fb0}
table.kv{border-collapse:collapse;margin:4px 0}
table.kv td{border:1px solid #e3e3e3;padding:2px 8px;vertical-align:top}
table.kv td:first-child{color:#666;white-space:nowrap}
table.kv pre{margin:0;white-space:pre-wrap}
.toolbar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;padding:6px 16px;background:#fff;border-bottom:1px solid #ddd}
.toolbar .group{display:flex;align-items:center;gap:4px}
.toolbar .label{color:#666}
.legend{display:flex;flex-wrap:wrap;gap:4px}
.legend button{display:flex;align-items:center;gap:4px}
.legend button.off{opacity:.4;text-decoration:line-through}
.swatch{display:inline-block;width:14px;height:4px;border-radius:2px}
.symbols{display:flex;flex-wrap:wrap;gap:2px 12px;color:#555;font-size:12px}
.symbols>span{display:inline-flex;align-items:center;gap:4px}
.symbols svg{display:inline-block}
.diagram{overflow:auto;max-height:calc(100vh - 48px);background:#fff;border-bottom:1px solid #ddd}
.sheet{display:grid;width:max-content}
.corner{position:sticky;top:0;left:0;z-index:4;background:#fff;border-right:1px solid #ccc;border-bottom:1px solid #ccc;font-size:11px;color:#888;padding:4px 8px}
.axis-cell{position:sticky;top:0;z-index:3;background:#fff;border-bottom:1px solid #ccc}
.label-cell{position:sticky;left:0;z-index:2;background:#fff;border-right:1px solid #ccc}
svg{display:block}
.stripe{fill:#f4f6f9}
.grid line{stroke:#eceff3;stroke-width:1}
.grid .cut{fill:url(#hatch);opacity:.22}
.cut-gap{fill:#fff;stroke:#999;stroke-dasharray:2 2}
.cut-label{font-size:9px;fill:#888;text-anchor:middle}
.axis-line{stroke:#999}
.tick{stroke:#999}
.tick-label{font-size:10px;fill:#555;text-anchor:middle}
.band{fill:#8e6cc0;opacity:.10}
.band-label{font-size:11px;fill:#6a4a9c;font-weight:600;cursor:pointer}
.phase{stroke:#2a6fb0;stroke-dasharray:6 4;stroke-width:1.2}
.phase-label{font-size:11px;fill:#2a6fb0;font-weight:600}
.fail-label{font-size:11px;fill:#d11;font-weight:700;cursor:pointer}
.strip .left{text-anchor:end}
.vline{stroke:#d11;stroke-width:2;opacity:.8}
.vline.selected{stroke-width:4;opacity:1}
button.to-failure{color:#b00;border-color:#e0a0a0}
.lane{stroke:#9aa3ad;stroke-width:1.2}
.lane.byz{stroke:#c0392b;stroke-dasharray:5 3}
.node{font-size:12.5px;font-weight:600;fill:#222}
.node .protocol{font-weight:400;fill:#888;font-size:11px}
.node.byz{fill:#b22}
.node.byz .protocol{fill:#c0392b;font-weight:600}
.heading{font-size:11px;font-weight:700;fill:#2a6fb0;text-transform:uppercase;letter-spacing:.04em}
.down{fill:url(#hatch);stroke:#aaa;stroke-width:.5}
.paused{fill:#f6d38a;opacity:.55}
.clog{stroke:#e67e22;stroke-width:2.5;stroke-dasharray:1 3;stroke-linecap:round}
.clog-label{font-size:9px;fill:#c4600a}
.op{stroke:#fff;stroke-width:.5;cursor:pointer}
.op.ok{fill:#4caf50}.op.fail{fill:#e15759}.op.info{fill:#e6b422}.op.pending{fill:#b8b8b8}
.msg .vis{stroke-width:1.3;fill:none}
.msg.dup .vis{stroke-dasharray:5 3}
.msg.dropped .vis{opacity:.55}
.msg.inflight .vis{stroke-dasharray:1.5 2.5}
.msg .hit{stroke:transparent;stroke-width:8;cursor:pointer}
.msg:hover .vis{stroke-width:3}
.msg.selected .vis{stroke-width:3.5}
.mark{cursor:pointer}
.mark.selected,.op.selected,.down.selected,.paused.selected,text.selected{filter:drop-shadow(0 0 2px #2a6fb0) drop-shadow(0 0 1px #2a6fb0)}
#tooltip{position:fixed;z-index:10;pointer-events:none;display:none;max-width:460px;background:#222;color:#f4f4f4;padding:6px 8px;border-radius:4px;font-size:12px;line-height:1.35;white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;box-shadow:0 2px 8px rgba(0,0,0,.3)}
#details{position:fixed;z-index:9;right:12px;bottom:12px;width:460px;max-width:calc(100vw - 24px);max-height:50vh;overflow:auto;background:#fff;border:1px solid #bbb;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.2);padding:8px 10px;display:none}
#details h3{margin:0 0 6px;font-size:13px;padding-right:24px}
#details pre{margin:4px 0 8px;background:#f6f6f6;padding:6px;border-radius:3px;white-space:pre-wrap;word-break:break-word}
#details .close{position:absolute;right:8px;top:6px}
#details .index{color:#888;font-size:11px}
section.extra{padding:4px 16px 16px;background:#fff;border-top:1px solid #ddd}
footer{padding:8px 16px;color:#999;font-size:11px}
`;
