/// <reference types="vite/client" />
// The one object the renderer talks to: Electron's preload exposes it, or bridge-client.ts sets it.
import type { KioskApi } from '../electron/core/api/contract.ts';

declare global {
  interface Window {
    aup: KioskApi;
  }
}

export {};
