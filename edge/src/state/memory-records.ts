/**
 * @module edge/state/memory-records
 * The user's memories inside their UserState object: one sealed JSON value (`memory-store`'s
 * `{ items }`, under the 24 KiB budget, oldest interactions then oldest facts evicted first). Texts
 * arrive sanitized (placeholders, no values); the embedding is computed here from that text and
 * never leaves the object.
 */
import { addMemory, DEFAULT_MEMORY_BUDGET_BYTES, memoryBytes, removeMemory, type MemoryItem, type MemoryKind } from '../../../shared/personalization/memory-store';
import { embedText } from '../../../shared/personalization/text-embedding';
import { toStoredEmbedding } from '../../../shared/personalization/user-embedding';
import { loadMemories, writeSealed, type KeySource } from './personalization-store';

type Sql = DurableObjectStorage['sql'];

/** What a memory route asks the object to do. */
export type MemoryOperation =
  | { op: 'list' }
  | { op: 'add'; kind: 'fact'; text: string }
  | { op: 'remove'; id: string }
  | { op: 'clear' };

/** A memory as the API shows it: never the embedding. */
export interface PublicMemory {
  id: string;
  kind: MemoryKind;
  text: string;
  created_at: string;
}

/** The outcome: the list after the operation, plus what it added or removed, or why it was refused. */
export interface MemoryOperationResult {
  memories: PublicMemory[];
  usedBytes: number;
  budgetBytes: number;
  added?: PublicMemory;
  removed: number;
  /** Set when the request cannot be done: 400 (field given) or 404. */
  refused?: { status: 400 | 404; message: string; field: string };
}

const toPublic = (m: MemoryItem): PublicMemory => ({ id: m.id, kind: m.kind, text: m.text, created_at: new Date(m.createdAt).toISOString() });

/** A fresh memory id: `mem_` and 24 random hex digits. */
function newMemoryId(): string {
  return `mem_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Runs one operation on the user's memories (callers hold the object's concurrency lock). */
export async function runMemoryOperation(sql: Sql, key: KeySource, owner: string, operation: MemoryOperation, now: number): Promise<MemoryOperationResult> {
  let state = await loadMemories(sql, key, owner);
  let added: PublicMemory | undefined;
  let removed = 0;
  let refused: MemoryOperationResult['refused'];
  if (operation.op === 'add') {
    const item: MemoryItem = { id: newMemoryId(), kind: operation.kind, text: operation.text, createdAt: now, embedding: toStoredEmbedding(embedText(operation.text)) };
    try {
      state = addMemory(state, item, DEFAULT_MEMORY_BUDGET_BYTES).state;
      added = toPublic(item);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      refused = { status: 400, message: `text: ${error.message.replace(/^text /, '')}`, field: 'text' };
    }
  } else if (operation.op === 'remove') {
    const out = removeMemory(state, operation.id);
    if (!out.removed) refused = { status: 404, message: `no memory ${operation.id}`, field: 'id' };
    state = out.state;
    removed = out.removed ? 1 : 0;
  } else if (operation.op === 'clear') {
    removed = state.items.length;
    state = { items: [] };
  }
  if ((added || removed) && !refused) await writeSealed(sql, key, owner, 'memories', state, now);
  return { memories: state.items.map(toPublic), usedBytes: memoryBytes(state.items), budgetBytes: DEFAULT_MEMORY_BUDGET_BYTES, ...(added ? { added } : {}), removed, ...(refused ? { refused } : {}) };
}
