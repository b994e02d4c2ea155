/** The goldens page's worker: runs the case it is asked for and posts back its output (or the error). */
import { runGoldenCase } from '../lib/goldens';

self.onmessage = async (e: MessageEvent<{ id: number; index: number }>) => {
  const { id, index } = e.data;
  try {
    self.postMessage({ id, run: await runGoldenCase(index) });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
