import { SystemClock } from '@vos/clock';
import { CryptoRandom } from '@vos/random';
import { HostFdStream } from '@vos/stdio';
import type { WorkerPlatform } from '../guest';

/**
 * The worker side's platform seam on Node: the system clock and CSPRNG read inside the worker, and host fds used
 * directly by the worker. The only worker-side module that reaches Node-specific code (a browser entry gives
 * its own).
 */
export const nodePlatform: WorkerPlatform = {
  systemClock: () => new SystemClock(),
  systemRandom: () => new CryptoRandom(),
  hostFdStream: (fd: number) => new HostFdStream(fd),
};
