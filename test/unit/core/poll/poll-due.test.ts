import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { intervalMs, pollDue, tickEnd } from '../../../../core/poll/poll-due.js';

describe('poll due', () => {
  it('checks an app once per interval, on consecutive ticks of the schedule', () => {
    const tick = 10_000;
    for (const [name, interval] of [
      ['guestbook', 180_000],
      ['api', 60_000],
      ['nightly', 86_400_000],
    ] as const) {
      const due: number[] = [];
      const start = 1_800_000_000_000;
      for (let t = start; t < start + 3 * interval; t += tick)
        if (pollDue(name, interval, t, tick)) due.push(t);
      assert.equal(due.length, 3, `${name}: once per ${interval} ms`);
      assert.ok(
        due.slice(1).every((t, i) => t - (due[i] as number) === interval),
        `${name}: exactly one interval apart`,
      );
    }
  });

  it('spreads a fleet with the same interval over the ticks', () => {
    const ticks = new Set<number>();
    for (let i = 0; i < 100; i++) {
      for (let t = 0; t < 180_000; t += 10_000) if (pollDue(`app-${i}`, 180_000, t, 10_000)) ticks.add(t);
    }
    assert.ok(ticks.size >= 12, `100 apps poll on ${ticks.size} of 18 ticks`);
  });

  it('checks an interval not longer than the tick at every run', () => {
    assert.ok(pollDue('x', 10_000, 20_000, 10_000));
    assert.ok(pollDue('x', 5_000, 30_000, 10_000));
  });

  it('maps a run started late to its tick, and reads intervals with the spec default', () => {
    assert.equal(tickEnd(1_000_123, 10_000), 1_000_000);
    assert.equal(intervalMs('1m30s'), 90_000);
    assert.equal(intervalMs(undefined), 180_000);
    assert.equal(intervalMs('soon'), 180_000);
  });
});
