/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The top frames of a `--cpu-prof` profile: self time per function and per
 * package, and inclusive time of the functions whose names are given.
 * Run: node bench/load/profileTop.ts <file.cpuprofile|dir> [top=25] [function names…]
 * PROFILE_FROM_S / PROFILE_TO_S keep only the samples of that window (seconds
 * from the profile's start, which is the backend's start: the harness prints
 * each phase's start on that clock).
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function packageOf(url: string) {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  const w = url.match(/\/(plugins|packages)\/([^/]+)\//);
  if (w) return `${w[1]}/${w[2]}`;
  return url.startsWith('node:') ? 'node' : url || '(native)';
}

function main() {
  const [target, topArg, ...names] = process.argv.slice(2);
  const file = fs.statSync(target).isDirectory()
    ? path.join(
        target,
        fs
          .readdirSync(target)
          .filter(f => f.endsWith('.cpuprofile'))
          .sort()
          .pop()!,
      )
    : target;
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const top = Number(topArg ?? 25);
  const nodes = new Map<number, Node>(
    profile.nodes.map((n: Node) => [n.id, n]),
  );
  const parent = new Map<number, number>();
  for (const n of nodes.values())
    for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile as {
    samples: number[];
    timeDeltas: number[];
  };
  let total = 0;
  const from = Number(process.env.PROFILE_FROM_S ?? 0) * 1e6;
  const to = Number(process.env.PROFILE_TO_S ?? Infinity) * 1e6;
  let at = 0;
  samples.forEach((id, i) => {
    const dt = timeDeltas[i] ?? 0;
    at += dt;
    if (at < from || at > to) return;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const label = (n: Node) =>
    `${n.callFrame.functionName || '(anonymous)'} ${path.basename(
      n.callFrame.url,
    )}:${n.callFrame.lineNumber + 1}`;
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveAll = new Map<string, number>();
  for (const [id, dt] of self) {
    const n = nodes.get(id)!;
    byFn.set(label(n), (byFn.get(label(n)) ?? 0) + dt);
    const pkg = packageOf(n.callFrame.url);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + dt);
    // inclusive time of the named functions: each sample counted once per named ancestor
    const seen = new Set<string>();
    const seenAll = new Set<string>();
    for (
      let cur: number | undefined = id;
      cur !== undefined;
      cur = parent.get(cur)
    ) {
      const fn = nodes.get(cur)!.callFrame.functionName;
      const l = label(nodes.get(cur)!);
      if (!seenAll.has(l)) {
        seenAll.add(l);
        inclusiveAll.set(l, (inclusiveAll.get(l) ?? 0) + dt);
      }
      if (names.includes(fn) && !seen.has(fn)) {
        seen.add(fn);
        inclusive.set(fn, (inclusive.get(fn) ?? 0) + dt);
      }
    }
  }
  const ms = (us: number) =>
    `${(us / 1000).toFixed(0)} ms (${((100 * us) / total).toFixed(1)}%)`;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('\nself time by function:');
  [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, v]) => console.log(`  ${ms(v)}  ${k}`));
  console.log('\nself time by package:');
  [...byPkg]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, v]) => console.log(`  ${ms(v)}  ${k}`));
  console.log('\ninclusive time by function (project code and named frames):');
  [...inclusiveAll]
    .filter(
      ([k]) => /\.tsx?:/.test(k) || names.some(n => k.startsWith(`${n} `)),
    )
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, v]) => console.log(`  ${ms(v)}  ${k}`));
  if (names.length) {
    console.log('\ninclusive time:');
    for (const n of names) console.log(`  ${ms(inclusive.get(n) ?? 0)}  ${n}`);
  }
}

main();
