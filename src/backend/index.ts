export { BACKEND_NAMES, type BackendName } from './backend-name';
export { getBackend, initBackend, type BackendChoice, type InitBackendOptions, type SkippedBackend } from './init-backend';
export { setBackend, type SetBackendOptions } from './set-backend';
