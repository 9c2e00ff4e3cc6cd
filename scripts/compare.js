// Interleaved timing rounds, in Node and in the browser page alike: every round runs each candidate once (in a
// rotating order), so that drift (JIT, GC, CPU frequency) hits all of them; each round's time is divided by the
// floor's time in the same round.

/**
 * @param {Array<{ name: string, run: () => unknown }>} candidates - the first one is the floor; `run` may return a
 *   promise, which is awaited.
 * @param {{ rounds?: number, iterations?: number }} [options]
 * @returns {Promise<Array<{ name: string, min: number, median: number, max: number, ratio: number }>>} ns per call,
 *   and the median of the per-round ratios to the floor.
 */
export async function compare(candidates, { rounds = 21, iterations = 20_000 } = {}) {
  const times = candidates.map(() => []);
  const once = async (candidate) => {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) await candidate.run();
    return ((performance.now() - started) * 1e6) / iterations;
  };
  for (const candidate of candidates) await once(candidate); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < candidates.length; j++) {
      const index = (round + j) % candidates.length;
      times[index].push(await once(candidates[index]));
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return candidates.map((candidate, index) => ({
    name: candidate.name,
    min: Math.min(...times[index]),
    median: median(times[index]),
    max: Math.max(...times[index]),
    ratio: median(times[index].map((t, round) => t / times[0][round])),
  }));
}

/**
 * The floor of a cache hit: an awaited async function that looks a token up in a Map and checks its expiry.
 *
 * @returns {(key: string) => Promise<string | undefined>}
 */
export function floorCache(key, token) {
  const map = new Map([[key, { token, expiresAt: Date.now() + 3_600_000 }]]);
  return async (k) => {
    const entry = map.get(k);
    return entry !== undefined && entry.expiresAt > Date.now() ? entry.token : undefined;
  };
}
