// The layers of electron/core, as an allow-list (the way VS Code's code-layering rule works): every
// file belongs to exactly one layer, a file in no layer is an error, and a file imports only from its
// own layer and the layers below it. Lowest first:
//
//   api        the KioskApi contract and where it travels; imports nothing (renderer and preload use it)
//   base       time, school year, the log, who a person is, writing a file whole, the config's schema,
//              problems and location
//   domain     the policy's rules, pure: catalog and resolution, the lock, the first-login decision,
//              the view, the signature rule, the decision rules built from config
//   adapters   what touches the world: ledger, lock store, directory (roster, LDAP), the evidence
//              ledger, the district database (central/kiosk-role, central/admin-role), and the pages
//              made from them for principals (reports/: the evidence page, the campus report)
//   service    KioskService: sessions, sign-in, intents
//   wiring     setup.ts: reads the config, builds the adapters, composes the service
//   front ends cli/, bridge/, shell/, machine/ (the machine service and its channel)
import path from 'node:path';

export const CORE = 'electron/core';

/** First match wins, so a file named in a lower layer is not also caught by a folder above it. */
export const LAYERS = [
  { name: 'api', files: ['api/**'] },
  { name: 'base', files: ['time.ts', 'school-year.ts', 'log.ts', 'people.ts', 'version.ts', 'write-whole.ts', 'config/**'] },
  {
    name: 'domain',
    files: ['policy/**', 'lock/lock.ts', 'kiosk/decision.ts', 'kiosk/rules.ts', 'kiosk/view.ts', 'kiosk/signature.ts', 'kiosk/requests.ts'],
  },
  { name: 'adapters', files: ['ledger/**', 'lock/lock-store.ts', 'directory/**', 'central/**', 'evidence/**', 'reports/**'] },
  { name: 'service', files: ['kiosk/**'] },
  { name: 'wiring', files: ['setup.ts'] },
  { name: 'front ends', files: ['cli/**', 'bridge/**', 'shell/**', 'machine/**'] },
];

const matches = (file, pattern) => (pattern.endsWith('/**') ? file.startsWith(pattern.slice(0, -2)) : file === pattern);

/** The layer index of a path relative to electron/core, or -1. */
export function layerOf(relative) {
  return LAYERS.findIndex((l) => l.files.some((p) => matches(relative, p)));
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'electron/core: every file in a layer, and no import from a layer above' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    if (!file.startsWith(`${CORE}/`) || !/\.(ts|tsx|js|mjs)$/.test(file)) return {};
    const own = file.slice(CORE.length + 1);
    const ownLayer = layerOf(own);

    function check(node, source) {
      if (ownLayer < 0 || typeof source !== 'string') return;
      const { name } = LAYERS[ownLayer];
      if (!source.startsWith('.')) {
        // One exception, by name: the policy's Markdown rule (api/policy-markdown.ts) is shared by the
        // renderer and the evidence page, and markdown-it is a browser-safe library.
        if (name === 'api' && !(own === 'api/policy-markdown.ts' && source === 'markdown-it')) {
          context.report({
            node,
            message: `${own} is in the api layer, which imports nothing (not "${source}"): the renderer and the preload import it.`,
          });
        }
        return;
      }
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), source))
        .split(path.sep)
        .join('/');
      if (!target.startsWith(`${CORE}/`)) return;
      const to = layerOf(target.slice(CORE.length + 1));
      if (to > ownLayer) {
        context.report({
          node,
          message: `${own} (layer "${name}") may not import ${target.slice(CORE.length + 1)} (layer "${LAYERS[to].name}"): a layer imports only itself and the layers below it (eslint/code-layering.js).`,
        });
      }
    }

    return {
      Program(node) {
        if (ownLayer < 0) {
          context.report({
            node,
            message: `${own} is in no layer of electron/core: add it to LAYERS in eslint/code-layering.js (or move it to a folder that has one).`,
          });
        }
      },
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { 'code-layering': rule } };
