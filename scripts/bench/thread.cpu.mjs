// Shared by the publisher workers (plain JS: workers do not inherit tsx's loader).
import fs from 'node:fs';

/** CPU time of the calling thread alone (Linux), ms; NaN where /proc/thread-self is unavailable. */
export function threadCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5); the slice starts at field 3. USER_HZ = 100.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
