// The app's version, written into every ledger record: read from package.json, the one place it is
// stated (bundlers inline it at build time; tsx and vitest read it from the checkout).
import pkg from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
