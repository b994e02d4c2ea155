// The one place this package names the core's values, copied into plain constants once: CommonJS re-exports
// are getters, and these are used on the fd_write hot path.
import * as core from '@vos/core';

export const Errno = core.Errno;
export type Errno = core.Errno;
export const Filetype = core.Filetype;
export type Filetype = core.Filetype;
export const errnoFromHostError = core.errnoFromHostError;
