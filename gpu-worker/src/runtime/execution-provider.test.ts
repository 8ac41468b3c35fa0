/**
 * @module gpu-worker/runtime/execution-provider tests: parsing provider lists, and falling back
 * from CUDA to CPU on this machine, whose onnxruntime-node has no CUDA binaries (a real
 * condition, not a mock), with the fallback logged through the Logger seam.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElemType, GraphBuilder } from '../../../shared/onnx/graph';
import { add } from '../../../shared/onnx/ops';
import { serializeModel } from '../../../shared/onnx/serialize';
import { createSession, cudaUnavailableReason, parseExecutionProviders } from './execution-provider';
import type { Logger } from './logger';

/** Why CUDA cannot load here; null only on a machine whose onnxruntime-node has CUDA binaries. */
const noCudaReason = cudaUnavailableReason();

type Entry = { level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

/** A Logger that keeps every call for inspection. */
function recordingLogger(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  return {
    entries,
    info: (message, fields) => entries.push({ level: 'info', message, fields }),
    warn: (message, fields) => entries.push({ level: 'warn', message, fields }),
    error: (message, fields) => entries.push({ level: 'error', message, fields }),
  };
}

describe('parseExecutionProviders', () => {
  it('defaults to cuda then cpu when unset or blank', () => {
    expect(parseExecutionProviders(undefined)).toEqual(['cuda', 'cpu']);
    expect(parseExecutionProviders('')).toEqual(['cuda', 'cpu']);
    expect(parseExecutionProviders('  ')).toEqual(['cuda', 'cpu']);
  });

  it('accepts any letter case, spaces and empty entries', () => {
    expect(parseExecutionProviders('CPU')).toEqual(['cpu']);
    expect(parseExecutionProviders(' Cuda , cpu ,')).toEqual(['cuda', 'cpu']);
  });

  it('rejects an unknown provider, naming it and the choices', () => {
    expect(() => parseExecutionProviders('tpu')).toThrow('unknown execution provider "tpu" (choose from cuda, cpu)');
    expect(() => parseExecutionProviders('cpu,tpu')).toThrow(/"tpu"/);
  });
});

describe('createSession', () => {
  let dir: string;
  let modelPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'attune-ep-'));
    const g = new GraphBuilder('add');
    const x = g.input('x', ElemType.FLOAT, [2]);
    const y = g.input('y', ElemType.FLOAT, [2]);
    g.output(add(g, x, y), 'z', ElemType.FLOAT, [2]);
    modelPath = join(dir, 'add.onnx');
    await writeFile(modelPath, serializeModel(g).model);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(process.platform === 'linux' && noCudaReason !== null)('finds no CUDA binaries in this installation of onnxruntime-node', () => {
    expect(cudaUnavailableReason()).toBe('onnxruntime-node was installed without CUDA binaries (install with ONNXRUNTIME_NODE_INSTALL=cuda12)');
  });

  it.runIf(noCudaReason !== null)('falls back from cuda to cpu and logs a warning with the reason', async () => {
    const logger = recordingLogger();
    const { session, provider } = await createSession(modelPath, { providers: ['cuda', 'cpu'], logger });
    try {
      expect(provider).toBe('cpu');
      expect(logger.entries).toEqual([
        {
          level: 'warn',
          message: 'execution provider unavailable, trying the next one',
          fields: { provider: 'cuda', reason: noCudaReason },
        },
        { level: 'info', message: 'model session ready', fields: { provider: 'cpu', model: modelPath } },
      ]);
      const out = await session.run({
        x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]),
        y: new ort.Tensor('float32', Float32Array.from([10, 20]), [2]),
      });
      expect(Array.from(out.z.data as Float32Array)).toEqual([11, 22]);
    } finally {
      await session.release();
    }
  });

  it.runIf(noCudaReason !== null)('uses the default order cuda, cpu when no providers are given', async () => {
    const logger = recordingLogger();
    const { session, provider } = await createSession(modelPath, { logger });
    await session.release();
    expect(provider).toBe('cpu');
    expect(logger.entries.map((e) => [e.level, e.fields?.provider])).toEqual([
      ['warn', 'cuda'],
      ['info', 'cpu'],
    ]);
  });

  it.runIf(noCudaReason !== null)('throws naming cuda and the model when cuda is the only provider', async () => {
    const logger = recordingLogger();
    const err = await createSession(modelPath, { providers: ['cuda'], logger }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain(`no execution provider could load ${modelPath}`);
    expect(err!.message).toBe(`no execution provider could load ${modelPath}: cuda: ${noCudaReason}`);
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
  });

  it('reports the CPU failure when the model file does not exist', async () => {
    const missing = join(dir, 'missing.onnx');
    const logger = recordingLogger();
    await expect(createSession(missing, { providers: ['cpu'], logger })).rejects.toThrow(`no execution provider could load ${missing}: cpu: `);
    expect(logger.entries).toEqual([
      { level: 'warn', message: 'execution provider unavailable, trying the next one', fields: { provider: 'cpu', reason: expect.any(String) } },
    ]);
  });
});
