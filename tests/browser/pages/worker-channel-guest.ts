/** The guest side of the worker-channel page: @vos/worker's runner with the browser's clock and CSPRNG. */
import { runGuest, type GuestStart } from '@vos/worker';
import { SystemClock } from '@vos/clock';
import { CryptoRandom } from '@vos/random';

const platform = { systemClock: () => new SystemClock(), systemRandom: () => new CryptoRandom() };

self.onmessage = (e: MessageEvent<GuestStart>) => {
  try {
    self.postMessage({ report: runGuest(e.data, platform) });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
