/** The fleet bench's profile summary: CPU cut into the run's phases by the samples' timestamps. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeProfile } from '../../../bench/fleet/cpu-profile.js';

const ROOT = '/repo';
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

// root → applyStep (project) → request (node_modules); root → (idle)
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
    { id: 2, callFrame: frame('applyStep', 'file:///repo/activities/apply.ts'), children: [3] },
    { id: 3, callFrame: frame('request', 'file:///repo/node_modules/http/index.js') },
    { id: 4, callFrame: frame('(idle)', '') },
  ],
  startTime: 1_000,
  endTime: 9_000,
  // Samples at 2,000 (applyStep), 4,000 (request), 6,000 (idle), 8,000 (request).
  samples: [2, 3, 4, 3],
  timeDeltas: [1_000, 2_000, 2_000, 2_000],
};

test('each sample counts in the phase its timestamp falls in, idle samples in none', () => {
  const [registration, idle] = summarizeProfile(profile, ROOT, [
    { name: 'registration', fromUs: 1_000, toUs: 5_000 },
    { name: 'idle', fromUs: 5_000, toUs: 9_000 },
  ]);
  assert.equal(registration?.phase, 'registration');
  assert.equal(registration.totalMs, 3); // 1 ms in applyStep + 2 ms in request
  assert.deepEqual(
    registration.byFunction.map((f) => [f.name, f.ms]),
    [
      ['request http/index.js:1', 2],
      ['applyStep ./activities/apply.ts:1', 1],
    ],
  );
  // The project's function holds its callees' time; node_modules are not listed.
  assert.deepEqual(
    registration.projectInclusive.map((f) => [f.name, f.ms, f.percent]),
    [['applyStep ./activities/apply.ts:1', 3, 100]],
  );
  assert.equal(idle?.phase, 'idle');
  assert.equal(idle.totalMs, 2);
});

test('a run without phases is summarized whole; a phase without CPU is left out', () => {
  assert.deepEqual(
    summarizeProfile(profile, ROOT, []).map((p) => [p.phase, p.totalMs]),
    [['all', 5]],
  );
  assert.deepEqual(
    summarizeProfile(profile, ROOT, [{ name: 'before', fromUs: 0, toUs: 1_500 }]).map((p) => p.phase),
    [],
  );
});
