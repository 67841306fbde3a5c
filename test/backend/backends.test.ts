import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../helpers/backends';
import { BackendUnavailableError, getBackend, initBackend, setBackend, ValidationError } from '../../src/index';

describe('setBackend', () => {
  it.each(TEST_BACKENDS)('starts %s and makes it current', async (backend) => {
    await expect(setBackend(backend)).resolves.toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    expect(getBackend()).toBe(backend);
  });

  it('says what is missing for webgl in Node', async () => {
    const attempt = setBackend('webgl');
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(setBackend('webgl')).rejects.toThrow(
      "backend 'webgl' is unavailable: @tensorflow/tfjs-backend-webgl registers itself only in a browser with WebGL",
    );
  });

  it('rejects an unknown name', async () => {
    await expect(setBackend('tpu' as never)).rejects.toThrow(ValidationError);
    await expect(setBackend('tpu' as never)).rejects.toThrow('setBackend: name must be one of cpu, wasm, webgl, webgpu (got "tpu")');
  });
});

describe('initBackend', () => {
  it('prefers wasm in Node by default', async () => {
    await expect(initBackend()).resolves.toEqual({ backend: 'wasm', skipped: [] });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('skips what cannot start and reports why', async () => {
    const choice = await initBackend({ prefer: ['webgl', 'cpu'] });
    expect(choice.backend).toBe('cpu');
    expect(choice.skipped).toHaveLength(1);
    expect(choice.skipped[0]?.backend).toBe('webgl');
    expect(choice.skipped[0]?.reason).toContain('registers itself only in a browser');
  });

  it('fails with every reason when nothing starts', async () => {
    await expect(initBackend({ prefer: ['webgl'] })).rejects.toThrow(/no backend of the preference list could start: .*webgl/);
    await expect(initBackend({ prefer: [] })).rejects.toThrow('initBackend: prefer must name at least one backend (got [])');
  });
});
