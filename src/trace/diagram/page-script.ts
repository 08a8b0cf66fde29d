/**
 * The viewer page's script, as text inlined into the page.
 *
 * It never builds the diagram: the SVG is already in the page. It moves the
 * elements when the reader switches spacing or zooms (each positioned element
 * carries its anchors, see svg.ts), shows a tooltip on hover and the events'
 * JSON on click. All trace text it shows goes through `textContent`.
 *
 * Plain ES2017 in a string, so it runs in any browser straight from a file.
 * No template literals inside: this text is itself a TypeScript template.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('trace-data').textContent);
  var events = data.events;
  var left = data.left;
  var mode = data.mode;
  var zoom = 1;
  var lanes = document.getElementById('lanes');
  var axis = document.getElementById('axis');
  var scroller = document.getElementById('diagram');
  var tooltip = document.getElementById('tooltip');
  var details = document.getElementById('details');
  var labelWidth = data.labelWidth;

  // Every element that moves, with its anchors parsed once.
  var items = [];
  [lanes, axis].forEach(function (svg) {
    var list = svg.querySelectorAll('[data-a],[data-x]');
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      var set = el.dataset;
      items.push({
        el: el,
        tag: el.tagName.toLowerCase(),
        a: set.a === undefined ? -1 : +set.a,
        b: set.b === undefined ? -1 : +set.b,
        d: set.d === undefined ? 0 : +set.d,
        x: set.x === undefined ? 0 : +set.x,
        w: set.w === undefined ? 0 : +set.w
      });
    }
  });

  function xOf(anchor) { return left + data.x[mode][anchor] * zoom; }
  function round(value) { return Math.round(value * 10) / 10; }

  function place() {
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var el = it.el;
      if (it.a < 0) {
        var x = round(left + it.x * zoom);
        if (it.tag === 'line') { el.setAttribute('x1', x); el.setAttribute('x2', x); }
        else if (it.tag === 'rect') { el.setAttribute('x', x); el.setAttribute('width', round(Math.max(it.w * zoom, 1))); }
        else el.setAttribute('x', x);
        continue;
      }
      var x1 = xOf(it.a);
      if (it.tag === 'line') {
        el.setAttribute('x1', round(x1));
        el.setAttribute('x2', round(it.b >= 0 ? xOf(it.b) + it.d : x1 + it.d));
      } else if (it.tag === 'rect') {
        el.setAttribute('x', round(x1));
        el.setAttribute('width', round(Math.max(xOf(it.b) - x1, 2)));
      } else {
        el.setAttribute('x', round(x1 + it.d));
      }
    }
    var width = round(left + data.width[mode] * zoom + data.right);
    lanes.setAttribute('width', width);
    axis.setAttribute('width', width);
    var groups = document.querySelectorAll('[data-mode]');
    for (var g = 0; g < groups.length; g++) {
      if (groups[g].getAttribute('data-mode') === mode) groups[g].removeAttribute('display');
      else groups[g].setAttribute('display', 'none');
    }
    thinTickLabels();
  }

  // Labels of the strip (partitions, phases, failures) that would overlap are hidden; failures first.
  var stripLabels = Array.prototype.slice.call(axis.querySelectorAll('.strip text'));
  var stripLengths = stripLabels.map(function (label) { return label.getComputedTextLength ? label.getComputedTextLength() : 80; });
  function thinStripLabels() {
    var taken = [];
    var order = stripLabels.map(function (label, index) { return index; });
    order.sort(function (a, b) {
      var failA = stripLabels[a].classList.contains('fail-label') ? 0 : 1;
      var failB = stripLabels[b].classList.contains('fail-label') ? 0 : 1;
      return failA - failB || a - b;
    });
    order.forEach(function (index) {
      var label = stripLabels[index];
      var x = +label.getAttribute('x');
      var from = label.classList.contains('left') ? x - stripLengths[index] : x;
      var to = from + stripLengths[index];
      var free = taken.every(function (span) { return to + 6 <= span[0] || from >= span[1] + 6; });
      label.style.display = free ? '' : 'none';
      if (free) taken.push([from, to]);
    });
  }

  // Tick labels that would overlap after zooming out are hidden.
  function thinTickLabels() {
    var labels = axis.querySelectorAll('.axis-mode[data-mode="' + mode + '"] .tick-label');
    var last = -Infinity;
    for (var i = 0; i < labels.length; i++) {
      var x = +labels[i].getAttribute('x');
      var show = x - last >= 64;
      labels[i].style.display = show ? '' : 'none';
      if (show) last = x;
    }
    thinStripLabels();
  }

  // Keeps the event nearest the middle of the view in the middle across mode and zoom changes.
  function centreAnchor() {
    var middle = scroller.scrollLeft + (scroller.clientWidth - labelWidth) / 2;
    var xs = data.x[mode];
    var best = 0;
    var bestDistance = Infinity;
    for (var i = 0; i < xs.length; i++) {
      var distance = Math.abs(left + xs[i] * zoom - middle);
      if (distance < bestDistance) { bestDistance = distance; best = i; }
    }
    return best;
  }
  function scrollToAnchor(anchor) {
    scroller.scrollLeft = Math.max(0, xOf(anchor) - (scroller.clientWidth - labelWidth) / 2);
  }
  // The zoom at which the whole run, with the room after it, fits the window: no scrolling.
  function fitZoom() {
    return Math.max((scroller.clientWidth - labelWidth - left - data.right) / data.width[mode], 1 / 64);
  }
  function relayout(change) {
    var anchor = centreAnchor();
    change();
    place();
    scrollToAnchor(anchor);
    updateButtons();
  }

  function updateButtons() {
    var buttons = document.querySelectorAll('[data-spacing]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].classList.toggle('on', buttons[i].getAttribute('data-spacing') === mode);
    }
    document.getElementById('zoom-level').textContent = (Math.round(zoom * 100)) + '%';
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var spacing = target.closest('[data-spacing]');
    if (spacing) { relayout(function () { mode = spacing.getAttribute('data-spacing'); }); return; }
    var zoomButton = target.closest('[data-zoom]');
    if (zoomButton) {
      var how = zoomButton.getAttribute('data-zoom');
      relayout(function () {
        if (how === 'in') zoom = Math.min(zoom * 1.5, 64);
        else if (how === 'out') zoom = Math.max(zoom / 1.5, 1 / 64);
        else if (how === 'fit') zoom = fitZoom();
        else zoom = 1;
      });
      return;
    }
    var typeButton = target.closest('[data-type-key]');
    if (typeButton) {
      var key = typeButton.getAttribute('data-type-key');
      lanes.classList.toggle('hide-k' + key);
      typeButton.classList.toggle('off');
      return;
    }
    var goto = target.closest('[data-goto]');
    if (goto) {
      event.preventDefault();
      var index = +goto.getAttribute('data-goto');
      scroller.scrollIntoView({ block: 'start' });
      scrollToAnchor(index);
      showDetails(index, [], -1);
      return;
    }
    if (target.closest('#details .close')) { details.style.display = 'none'; select(null); return; }
    var item = target.closest('[data-e]');
    if (item && (lanes.contains(item) || axis.contains(item))) {
      select(item);
      showDetails(+item.getAttribute('data-e'), related(item), item.hasAttribute('data-o') ? +item.getAttribute('data-o') : -1);
    }
  });

  var selected = null;
  function select(item) {
    if (selected) selected.classList.remove('selected');
    selected = item;
    if (item) item.classList.add('selected');
  }
  function related(item) {
    var list = item.getAttribute('data-r');
    return list ? list.split(',').map(Number) : [];
  }

  // A checker's trace counts steps, not ms (see TimeUnit in layout.ts).
  var steps = data.unit === 'step';
  function trim(t) { return Math.round(t * 1000) / 1000; }
  function ms(t) { return steps ? 'step ' + trim(t) : trim(t) + ' ms'; }
  function span(t) { return steps ? trim(t) + (t === 1 ? ' step' : ' steps') : trim(t) + ' ms'; }
  function short(text, length) { return text.length > length ? text.slice(0, length - 1) + '…' : text; }
  function json(value) { return JSON.stringify(value); }
  function typeOf(body) {
    if (typeof body === 'string') return body;
    if (body && typeof body === 'object' && typeof body.type === 'string') return body.type;
    return 'message';
  }

  function describe(index, outcome) {
    var e = events[index];
    var lines = [];
    if (e.type === 'send') {
      lines.push(e.msg + '  ' + e.node + ' → ' + e.to + '  ' + typeOf(e.body));
      lines.push('sent      ' + ms(e.t));
      var out = outcome >= 0 ? events[outcome] : null;
      if (out && out.type === 'deliver') lines.push('delivered ' + ms(out.t) + '  (+' + span(out.t - e.t) + ')');
      else if (out && out.type === 'drop') lines.push('dropped   ' + ms(out.t) + '  (' + out.reason + ')');
      else lines.push('still in flight when the trace ends');
      lines.push(short(json(e.body), 300));
      return lines.join('\n');
    }
    lines.push(e.type + (e.node ? ' at ' + e.node : '') + '  ' + ms(e.t));
    Object.keys(e).forEach(function (key) {
      if (key === 't' || key === 'type' || key === 'node') return;
      lines.push(key + ': ' + short(typeof e[key] === 'string' ? e[key] : json(e[key]), 300));
    });
    return lines.join('\n');
  }

  function showDetails(index, others, outcome) {
    details.textContent = '';
    var close = document.createElement('button');
    close.className = 'close';
    close.textContent = '×';
    details.appendChild(close);
    var title = document.createElement('h3');
    title.textContent = describe(index, outcome).split('\n')[0];
    details.appendChild(title);
    [index].concat(others).forEach(function (each) {
      var label = document.createElement('div');
      label.className = 'index';
      label.textContent = 'event ' + each + ', line ' + (each + 2) + ' of the trace file' + (each === outcome ? ' (this arrow)' : '');
      var pre = document.createElement('pre');
      pre.textContent = JSON.stringify(events[each], null, 2);
      details.appendChild(label);
      details.appendChild(pre);
    });
    details.style.display = 'block';
  }

  function onOver(event) {
    var item = event.target.closest('[data-e]');
    if (!item) { tooltip.style.display = 'none'; return; }
    tooltip.textContent = describe(+item.getAttribute('data-e'), item.hasAttribute('data-o') ? +item.getAttribute('data-o') : -1);
    tooltip.style.display = 'block';
  }
  function onMove(event) {
    if (tooltip.style.display !== 'block') return;
    var x = event.clientX + 14;
    var y = event.clientY + 14;
    if (x + tooltip.offsetWidth > window.innerWidth - 8) x = event.clientX - tooltip.offsetWidth - 10;
    if (y + tooltip.offsetHeight > window.innerHeight - 8) y = event.clientY - tooltip.offsetHeight - 10;
    tooltip.style.left = x + 'px';
    tooltip.style.top = y + 'px';
  }
  [lanes, axis].forEach(function (svg) {
    svg.addEventListener('mouseover', onOver);
    svg.addEventListener('mousemove', onMove);
    svg.addEventListener('mouseleave', function () { tooltip.style.display = 'none'; });
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { details.style.display = 'none'; select(null); }
  });
  var copy = document.getElementById('copy-replay');
  if (copy) copy.addEventListener('click', function () {
    var text = document.getElementById('replay-command').textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { copy.textContent = 'copied'; });
  });
  // The address may ask for a view: #spacing=order&zoom=fit&event=42 (event: open its details).
  var wanted = {};
  location.hash.slice(1).split('&').forEach(function (pair) {
    var parts = pair.split('=');
    if (parts[0]) wanted[decodeURIComponent(parts[0])] = decodeURIComponent(parts[1] || '');
  });
  if (wanted.spacing && data.x[wanted.spacing]) mode = wanted.spacing;
  var fit = fitZoom();
  if (wanted.zoom === 'fit') zoom = fit;
  else if (+wanted.zoom > 0) zoom = +wanted.zoom;
  // A run up to twice as wide as the window opens whole.
  else if (fit < 1 && fit >= 0.5) zoom = fit;
  if (mode !== data.mode || zoom !== 1) place();
  if (wanted.event !== undefined && events[+wanted.event]) {
    var index = +wanted.event;
    var item = lanes.querySelector('[data-e="' + index + '"]') || lanes.querySelector('[data-o="' + index + '"]');
    scrollToAnchor(index);
    if (item) select(item);
    showDetails(item ? +item.getAttribute('data-e') : index, item ? related(item) : [], item && item.hasAttribute('data-o') ? +item.getAttribute('data-o') : -1);
  } else if (data.focus !== null) {
    // A failing run opens at its failure (data-focus on the diagram), marked, with what led to it
    // on its left; "whole run" fits everything, "failure" comes back here.
    var failure = lanes.querySelector('[data-e="' + data.focus + '"]');
    var view = scroller.clientWidth - labelWidth;
    scroller.scrollLeft = Math.max(0, xOf(data.focus) - view * 0.7);
    if (failure) {
      select(failure);
      // A fault is on one node's lane: bring that lane into view too.
      var y = +failure.getAttribute('y');
      if (y > 0) scroller.scrollTop = Math.max(0, y - scroller.clientHeight / 2);
    }
  }
  updateButtons();
  thinTickLabels();
})();
`;
