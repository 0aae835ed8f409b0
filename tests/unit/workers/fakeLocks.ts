// A stand-in for navigator.locks in Node: exclusive locks shared by "agents" (the page and each
// worker). An agent's locks are released when it ends, as the browser does when a worker's
// context is closed, killed or terminated; its queued requests are dropped.
import type { LockManagerLike } from '../../../src/workers/bridge';

export interface FakeLockAgent {
  locks: LockManagerLike;
  /** The agent's context is gone: release what it holds, forget what it asked for. */
  end(): void;
}

export function fakeLockRegistry(): { agent(): FakeLockAgent } {
  const held = new Map<string, symbol>();
  const queues = new Map<string, { owner: symbol; grant: () => void }[]>();
  const ended = new Set<symbol>();

  const release = (name: string, owner: symbol) => {
    if (held.get(name) !== owner) return;
    held.delete(name);
    const queue = queues.get(name) ?? [];
    let next = queue.shift();
    while (next && ended.has(next.owner)) next = queue.shift();
    next?.grant();
  };

  return {
    agent() {
      const owner = Symbol('agent');
      const locks: LockManagerLike = {
        request: (name, callback) =>
          new Promise((resolve, reject) => {
            const grant = () => {
              held.set(name, owner);
              Promise.resolve()
                .then(callback)
                .then(resolve, reject)
                .finally(() => release(name, owner));
            };
            if (held.has(name)) queues.set(name, [...(queues.get(name) ?? []), { owner, grant }]);
            else grant();
          }),
      };
      return {
        locks,
        end() {
          ended.add(owner);
          for (const [name, o] of [...held]) if (o === owner) release(name, owner);
        },
      };
    },
  };
}
