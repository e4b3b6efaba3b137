export { loadNpy, saveNpy } from './npy.js';
export type { LoadSafetensorsOptions, SafetensorsFile, SaveSafetensorsOptions } from './safetensors.js';
export { loadSafetensors, readSafetensors, saveSafetensors } from './safetensors.js';
