/**
 * CPU and RSS of a few processes, read from /proc/<pid>/stat every few seconds: CPU as a share of
 * one core over a window (utime + stime; the reaped children's time, e.g. git and kustomize
 * subprocesses, is kept apart), RSS as the largest sample in the window.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE_SIZE = Number(execFileSync('getconf', ['PAGESIZE']).toString().trim()) || 4096;

interface Sample {
  atMs: number;
  /** Own utime + stime, in seconds. */
  cpuS: number;
  /** Reaped children's cutime + cstime, in seconds. */
  childCpuS: number;
  rssBytes: number;
}

/** A window's figures for one process. */
export interface ProcWindow {
  pid: number;
  seconds: number;
  /** Own CPU as a percentage of one core, averaged over the window. */
  cpuPercentOfCore: number;
  /** The highest 5-s-interval CPU percentage in the window. */
  cpuPercentPeak: number;
  /** CPU of reaped children (git, kustomize, helm), percentage of one core. */
  childCpuPercentOfCore: number;
  rssMaxMB: number;
  rssLastMB: number;
  /** The largest RSS sample of each minute of the window, in order: how memory settles after a burst. */
  rssMaxByMinuteMB: number[];
  samples: number;
}

/** Reads one sample; undefined when the process is gone. */
export function readProc(pid: number): Sample | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces), numbered as in proc(5) from field 3.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number): number => Number(f[n - 3]);
  return {
    atMs: Date.now(),
    cpuS: (field(14) + field(15)) / CLK_TCK,
    childCpuS: (field(16) + field(17)) / CLK_TCK,
    rssBytes: field(24) * PAGE_SIZE,
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

function maxByMinute(samples: readonly Sample[], fromMs: number): number[] {
  const minutes: number[] = [];
  for (const s of samples) {
    const i = Math.floor((s.atMs - fromMs) / 60_000);
    minutes[i] = Math.max(minutes[i] ?? 0, Math.round(s.rssBytes / 2 ** 20));
  }
  return Array.from(minutes, (mb) => mb ?? 0);
}

/** Samples named processes every `everyMs`; `window` summarises the samples between two marks. */
export class ProcSampler {
  #pids: Map<string, number>;
  #samples = new Map<string, Sample[]>();
  #timer: NodeJS.Timeout;

  constructor(pids: Record<string, number>, everyMs = 5000) {
    this.#pids = new Map(Object.entries(pids));
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }

  sample(): void {
    for (const [name, pid] of this.#pids) {
      const s = readProc(pid);
      if (s) this.#samples.set(name, [...(this.#samples.get(name) ?? []), s]);
    }
  }

  /** Figures of every process between `fromMs` and `toMs` (taking a sample at the end first). */
  window(fromMs: number, toMs = Date.now()): Record<string, ProcWindow> {
    this.sample();
    const out: Record<string, ProcWindow> = {};
    for (const [name, pid] of this.#pids) {
      const all = this.#samples.get(name) ?? [];
      // The last sample at or before the start, so a window shorter than the period still has two.
      const startIdx = Math.max(
        0,
        all.findLastIndex((s) => s.atMs <= fromMs),
      );
      const inWindow = all.slice(startIdx).filter((s) => s.atMs <= toMs + 1000);
      const first = inWindow[0];
      const last = inWindow.at(-1);
      if (!first || !last || last.atMs === first.atMs) continue;
      const seconds = (last.atMs - first.atMs) / 1000;
      let peak = 0;
      for (let i = 1; i < inWindow.length; i++) {
        const a = inWindow[i - 1] as Sample;
        const b = inWindow[i] as Sample;
        if (b.atMs > a.atMs) peak = Math.max(peak, ((b.cpuS - a.cpuS) / ((b.atMs - a.atMs) / 1000)) * 100);
      }
      out[name] = {
        pid,
        seconds: Math.round(seconds),
        cpuPercentOfCore: round1(((last.cpuS - first.cpuS) / seconds) * 100),
        cpuPercentPeak: round1(peak),
        childCpuPercentOfCore: round1(((last.childCpuS - first.childCpuS) / seconds) * 100),
        rssMaxMB: Math.round(Math.max(...inWindow.map((s) => s.rssBytes)) / 2 ** 20),
        rssLastMB: Math.round(last.rssBytes / 2 ** 20),
        rssMaxByMinuteMB: maxByMinute(inWindow, first.atMs),
        samples: inWindow.length,
      };
    }
    return out;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
