/**
 * The layering of DESIGN §2, as a lint rule, so that it holds by itself:
 *
 * - a module (a folder `src/<module>/`) uses another only through that module's `index.ts`
 *   (`../<module>/index.js`): what a module offers the others is listed in one place;
 * - `src/protocols` imports only `core` (a protocol is handlers over the handler contract; what
 *   runs protocols lives in the engines) — tests of the protocols may drive the engines;
 * - nothing imports `src/cli`, the front door over everything.
 *
 * Option: `{ srcDir }`, the absolute path of `src`.
 */

import { dirname, relative, resolve, sep } from 'node:path';

/** The module (first folder under `srcDir`) of an absolute path, or null outside `srcDir`. */
function moduleOf(srcDir, path) {
  const inside = relative(srcDir, path);
  if (inside === '' || inside.startsWith('..') || inside.split(sep).length < 2) return null;
  return inside.split(sep)[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Modules import each other through their index; protocols import only core; nothing imports cli',
    },
    schema: [
      {
        type: 'object',
        properties: { srcDir: { type: 'string' } },
        required: ['srcDir'],
        additionalProperties: false,
      },
    ],
    messages: {
      deep: "'{{specifier}}' reaches inside module '{{target}}': import it through '{{index}}'",
      protocols:
        "'{{specifier}}': src/protocols imports only core (what runs protocols belongs to the engines)",
      cli: "'{{specifier}}': nothing imports src/cli (the CLI is the front door over every module)",
    },
  },
  create(context) {
    const { srcDir } = context.options[0];
    const file = context.filename;
    const from = moduleOf(srcDir, file);
    if (from === null) return {};
    const isTest = /\.test\.ts$/.test(file);

    /** Checks one module specifier (of an import, a re-export or a dynamic import). */
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = resolve(dirname(file), specifier);
      const to = moduleOf(srcDir, target);
      if (to === null || to === from) return;
      const data = { specifier, target: to };
      if (to === 'cli') {
        context.report({ node, messageId: 'cli', data });
        return;
      }
      if (from === 'protocols' && to !== 'core' && !isTest) {
        context.report({ node, messageId: 'protocols', data });
        return;
      }
      const index = resolve(srcDir, to, 'index.js');
      if (target !== index && target !== resolve(srcDir, to, 'index.ts')) {
        let shown = relative(dirname(file), index).split(sep).join('/');
        if (!shown.startsWith('.')) shown = `./${shown}`;
        context.report({ node, messageId: 'deep', data: { ...data, index: shown } });
      }
    };
    const withSource = (node) => {
      if (node.source) check(node.source, node.source.value);
    };
    return {
      ImportDeclaration: withSource,
      ExportNamedDeclaration: withSource,
      ExportAllDeclaration: withSource,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
      },
    };
  },
};

/** The plugin eslint.config.js installs as `fairlink`. */
export default { rules: { 'module-boundaries': moduleBoundaries } };
