/**
 * The controllers' processes (bench/support/proc.ts starts and stops them), measured from /proc: CPU seconds (utime + stime of the process and its
 * reaped children, e.g. git) over a window, and the peak RSS sampled every second in the window
 * (plus VmHWM, the kernel's lifetime peak).
 */
import { readFileSync } from 'node:fs';
import { readProc } from '../fleet/proc-sampler.js';
import type { Proc } from '../support/proc.js';

export { startProc, stopAll } from '../support/proc.js';
export type { Proc } from '../support/proc.js';

/** Figures of one process over a window. */
export interface ProcFigures {
  cpuSeconds: number;
  /** Reaped children's CPU (git, kustomize, helm subprocesses), seconds. */
  childCpuSeconds: number;
  cpuPercentOfCore: number;
  rssPeakMB: number;
  /** VmHWM at the end of the window: the process's peak RSS since it started. */
  rssHighWaterMB: number;
}

function highWaterMB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Measures a set of processes from `start()` to `stop()`, sampling RSS every second. */
export class Window {
  #procs: Proc[];
  #start = new Map<number, { cpu: number; child: number }>();
  #peak = new Map<number, number>();
  #t0 = Date.now();
  #timer: NodeJS.Timeout;

  constructor(procs: Proc[]) {
    this.#procs = procs;
    for (const p of procs) {
      const s = readProc(p.pid);
      this.#start.set(p.pid, { cpu: s?.cpuS ?? 0, child: s?.childCpuS ?? 0 });
    }
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 1000);
    this.#timer.unref();
  }

  #sample(): void {
    for (const p of this.#procs) {
      const s = readProc(p.pid);
      if (s) this.#peak.set(p.pid, Math.max(this.#peak.get(p.pid) ?? 0, s.rssBytes));
    }
  }

  /** Per process and in total. */
  stop(): { seconds: number; processes: Record<string, ProcFigures>; total: ProcFigures } {
    this.#sample();
    clearInterval(this.#timer);
    const seconds = (Date.now() - this.#t0) / 1000;
    const r2 = (n: number) => Math.round(n * 100) / 100;
    const processes: Record<string, ProcFigures> = {};
    const total: ProcFigures = {
      cpuSeconds: 0,
      childCpuSeconds: 0,
      cpuPercentOfCore: 0,
      rssPeakMB: 0,
      rssHighWaterMB: 0,
    };
    for (const p of this.#procs) {
      const s = readProc(p.pid);
      const start = this.#start.get(p.pid);
      if (!s || !start) continue;
      const f: ProcFigures = {
        cpuSeconds: r2(s.cpuS - start.cpu),
        childCpuSeconds: r2(s.childCpuS - start.child),
        cpuPercentOfCore: r2(((s.cpuS - start.cpu + s.childCpuS - start.child) / seconds) * 100),
        rssPeakMB: Math.round((this.#peak.get(p.pid) ?? 0) / 2 ** 20),
        rssHighWaterMB: highWaterMB(p.pid),
      };
      processes[p.name] = f;
      total.cpuSeconds = r2(total.cpuSeconds + f.cpuSeconds);
      total.childCpuSeconds = r2(total.childCpuSeconds + f.childCpuSeconds);
      total.cpuPercentOfCore = r2(total.cpuPercentOfCore + f.cpuPercentOfCore);
      // Sum of each process's peak: an upper bound of the set's peak, as a capacity plan needs.
      total.rssPeakMB += f.rssPeakMB;
      total.rssHighWaterMB += f.rssHighWaterMB;
    }
    return { seconds: r2(seconds), processes, total };
  }
}
