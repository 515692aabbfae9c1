import { access } from 'node:fs/promises';
import { ApiError } from '../../model/errors.js';

/** Waits until a device node exists (udev may lag behind lvcreate/zfs create). */
export async function waitForDevice(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await access(path);
      return;
    } catch {
      if (Date.now() >= deadline) {
        throw new ApiError('FAIL_UNKNOWN_ERROR', `Device '${path}' did not appear within ${timeoutMs} ms.`, {
          cause: 'The volume was created but its device node is missing (udev slow or not running).',
          correction: 'Check udev on the node, or raise StorDriver/WaitTimeoutAfterCreate (milliseconds).',
        });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
