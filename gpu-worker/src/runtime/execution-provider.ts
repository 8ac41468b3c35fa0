/**
 * @module gpu-worker/runtime/execution-provider
 * Creates an ONNX Runtime session on the first execution provider that works, in the order
 * configured (`cuda` then `cpu` by default), and logs which one runs. CUDA needs
 * onnxruntime-node installed with `ONNXRUNTIME_NODE_INSTALL=cuda12` and a GPU; without them
 * session creation fails quickly and the next provider is tried.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Logger } from './logger';

export const EXECUTION_PROVIDERS = ['cuda', 'cpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

/** Parses `ATTUNE_EXECUTION_PROVIDERS`-style lists such as `cuda,cpu`, naming an unknown entry. */
export function parseExecutionProviders(spec: string | undefined): ExecutionProviderName[] {
  if (!spec || !spec.trim()) return ['cuda', 'cpu'];
  const names = spec.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const name of names) {
    if (!(EXECUTION_PROVIDERS as readonly string[]).includes(name)) {
      throw new Error(`unknown execution provider "${name}" (choose from ${EXECUTION_PROVIDERS.join(', ')})`);
    }
  }
  return names as ExecutionProviderName[];
}

/**
 * Why CUDA cannot load here, or null when its provider library is installed. Checked before
 * asking ONNX Runtime, whose own failure is a noisy native log line.
 */
export function cudaUnavailableReason(): string | null {
  const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const lib = join(root, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
  if (process.platform !== 'linux') return `the CUDA provider is only packaged for Linux (platform ${process.platform})`;
  return existsSync(lib) ? null : 'onnxruntime-node was installed without CUDA binaries (install with ONNXRUNTIME_NODE_INSTALL=cuda12)';
}

/** Options for {@link createSession}. */
export interface SessionOptions {
  /** Providers to try in order. @default ['cuda', 'cpu'] */
  providers?: ExecutionProviderName[];
  /** Threads for one operator on CPU; 0 lets ONNX Runtime choose. @default 0 */
  intraOpThreads?: number;
  logger: Logger;
}

/** Opens `modelPath` on the first provider that accepts it. */
export async function createSession(modelPath: string, options: SessionOptions): Promise<{ session: ort.InferenceSession; provider: ExecutionProviderName }> {
  const providers = options.providers ?? ['cuda', 'cpu'];
  const failures: string[] = [];
  for (const provider of providers) {
    const unavailable = provider === 'cuda' ? cudaUnavailableReason() : null;
    if (unavailable) {
      failures.push(`${provider}: ${unavailable}`);
      options.logger.warn('execution provider unavailable, trying the next one', { provider, reason: unavailable });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: options.intraOpThreads ?? 0,
        logSeverityLevel: 3,
      });
      options.logger.info('model session ready', { provider, model: modelPath });
      return { session, provider };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      failures.push(`${provider}: ${reason}`);
      options.logger.warn('execution provider unavailable, trying the next one', { provider, reason });
    }
  }
  throw new Error(`no execution provider could load ${modelPath}: ${failures.join('; ')}`);
}
