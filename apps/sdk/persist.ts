/** Saving an operator change through ctx.state from a REST handler or command. */
import { HttpError } from './routes.js';

/**
 * Await a state write; its failure is a 503 saying the change is live but not saved (the disk
 * is full, the store is unreachable), so the operator knows it will not survive a restart.
 */
export async function saved<T>(result: T, write: Promise<void>): Promise<T> {
  try {
    await write;
  } catch (e) {
    throw new HttpError(503, 'state_write_failed', `applied, but not saved in the state store: ${(e as Error).message}`);
  }
  return result;
}
