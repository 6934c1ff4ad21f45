// Types of scripts/electron-runtime.mjs (plain JavaScript: `npm start` runs it without a compiler).
export declare const ROOT: string;
export declare const ELECTRON_DIR: string;
export declare const INSTALL_COMMAND: string;
export declare function executableName(platform?: NodeJS.Platform): string;
export declare function electronBinary(env?: NodeJS.ProcessEnv, dir?: string): string | null;
export declare function installElectron(env?: NodeJS.ProcessEnv, dir?: string): Promise<{ ok: true } | { ok: false; reason: string }>;
export declare function installerReason(output: string): string;
