// The preload: exposes exactly KioskApi to the sandboxed renderer, nothing else (no ipcRenderer,
// no Node). Every call is an intent the main process checks again before KioskService sees it.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { KioskApi, KioskView } from '../core/api/contract.ts';
import { IPC_CHANNELS } from '../core/api/channels.ts';

const invoke = (intent: string, ...args: unknown[]) => ipcRenderer.invoke(IPC_CHANNELS.intent, intent, args);

const api: KioskApi = {
  getView: () => invoke('getView'),
  onView(listener) {
    const handler = (_event: IpcRendererEvent, view: KioskView) => listener(view);
    ipcRenderer.on(IPC_CHANNELS.view, handler);
    void ipcRenderer.invoke(IPC_CHANNELS.subscribe);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.view, handler);
    };
  },
  acceptPolicy: (request) => invoke('acceptPolicy', request),
  acknowledgeSafetyRules: (request) => invoke('acknowledgeSafetyRules', request),
  teacherUnlock: (request) => invoke('teacherUnlock', request),
  adminOverride: (request) => invoke('adminOverride', request),
  setLanguage: (language) => invoke('setLanguage', language),
  openSafetyRules: () => invoke('openSafetyRules'),
  closeSafetyRules: () => invoke('closeSafetyRules'),
  openPolicy: () => invoke('openPolicy'),
  closePolicy: () => invoke('closePolicy'),
  openRoom: (request) => invoke('openRoom', request),
  endClass: (request) => invoke('endClass', request),
};

contextBridge.exposeInMainWorld('aup', api);
