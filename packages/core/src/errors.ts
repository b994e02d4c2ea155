/** Thrown by `proc_exit`: a trap that unwinds the guest; the host (`WASI.start`) turns it into an exit code. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`WASI proc_exit(${code})`);
    this.name = 'ProcExit';
  }
}

/** A syscall made before memory was bound (before `start`/`initialize`), when the host gave no hook of its own. */
export class WasiNotStartedError extends Error {
  readonly code = 'ERR_WASI_NOT_STARTED';
  constructor() {
    super('wasi.start() has not been called');
    this.name = 'Error';
  }
}
