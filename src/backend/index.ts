export { BACKEND_NAMES, type BackendName } from './backend-name';
export { getBackend, initBackend, type BackendChoice, type InitBackendOptions } from './init-backend';
export { setBackend, type SetBackendOptions } from './set-backend';
