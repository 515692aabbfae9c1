import test from 'ava';
import fc from 'fast-check';
import { ApiError } from '../../core/model/errors.js';
import { NodeNumberAllocator, parseRange } from '../../core/placement/index.js';

test('the default TCP port range is 7000-7999 and minors 1000-49999', (t) => {
  t.deepEqual(NodeNumberAllocator.tcpPorts({}).getRange(), { min: 7000, max: 7999 });
  t.deepEqual(NodeNumberAllocator.minors({}).getRange(), { min: 1000, max: 49999 });
  t.deepEqual(NodeNumberAllocator.tcpPorts({ TcpPortAutoRange: '8000-8009' }).getRange(), { min: 8000, max: 8009 });
  t.throws(() => parseRange('tcp-port', '9000-8000'), { instanceOf: ApiError, message: /TcpPortAutoRange/ });
});

test('more than 1,000 resources fit when they live on disjoint node sets', (t) => {
  const ports = NodeNumberAllocator.tcpPorts({});
  const got: number[] = [];
  // 3,000 three-node resources over three disjoint node sets: LINSTOR would stop at 1,000.
  for (let i = 0; i < 3000; i++) {
    const set = i % 3;
    got.push(ports.allocate([`n${set}a`, `n${set}b`, `n${set}c`]));
  }
  t.is(got[0], 7000);
  t.is(got[2999], 7999);
  t.is(new Set(got).size, 1000);
  const err = t.throws(() => ports.allocate(['n0a', 'n1b']), { instanceOf: ApiError }) as ApiError;
  t.is(err.rc, 'FAIL_POOL_EXHAUSTED_TCP_PORT');
  t.regex(err.opts.correction ?? '', /TcpPortAutoRange/);
  t.is(ports.allocate(['fresh-node']), 7000, 'a node with nothing on it starts at the bottom');
});

test('a port is the lowest free on all of a resource\'s nodes, and a released one is reused first', (t) => {
  const ports = new NodeNumberAllocator('tcp-port', { min: 7000, max: 7099 });
  ports.markUsed('a', 7000);
  ports.markUsed('b', 7001);
  t.is(ports.allocate(['a', 'b']), 7002);
  t.is(ports.allocate(['c'], 7002), 7002, 'the preferred (shared) port is taken when free');
  t.is(ports.allocateOnNode('a', 7002), 7001, 'falls back to the lowest free on that node');
  ports.release('a', 7000);
  t.is(ports.allocate(['a']), 7000);
});

test('minor numbers only need to be unique per node', (t) => {
  const minors = new NodeNumberAllocator('minor', { min: 1000, max: 1001 });
  t.is(minors.allocate(['a', 'b']), 1000);
  t.is(minors.allocate(['c', 'd']), 1000);
  t.is(minors.allocate(['a', 'c']), 1001);
  const err = t.throws(() => minors.allocate(['a']), { instanceOf: ApiError }) as ApiError;
  t.is(err.rc, 'FAIL_POOL_EXHAUSTED_MINOR_NR');
});

test('allocation matches a naive lowest-free search for any sequence of allocations and releases', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 })), { maxLength: 200 }), (ops) => {
    const alloc = new NodeNumberAllocator('tcp-port', { min: 100, max: 170 });
    const used = new Map<string, Set<number>>();
    const held: [number, string[]][] = [];
    for (const [release, nodes] of ops) {
      if (release && held.length > 0) {
        const [n, ns] = held.shift()!;
        for (const node of ns) { alloc.release(node, n); used.get(node)!.delete(n); }
        continue;
      }
      let expect: number | undefined;
      for (let n = 100; n <= 170 && expect === undefined; n++) if (nodes.every((x) => !used.get(x)?.has(n))) expect = n;
      if (alloc.lowestFree(nodes) !== expect) return false;
      if (expect === undefined) continue;
      alloc.allocate(nodes);
      for (const node of nodes) { if (!used.has(node)) used.set(node, new Set()); used.get(node)!.add(expect); }
      held.push([expect, nodes]);
    }
    return true;
  }), { numRuns: 300, seed: 11 }));
});

test('10,000 resources on a 3-node cluster get minors in well under a second', (t) => {
  const minors = NodeNumberAllocator.minors({});
  const start = process.hrtime.bigint();
  for (let i = 0; i < 10_000; i++) minors.allocate(['a', 'b', 'c']);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.is(minors.lowestFree(['a']), 11_000);
  t.true(ms < 1000, `took ${ms} ms`);
});
