#!/usr/bin/env python3
"""Where a process' resident pages are: a /proc/PID/smaps copy summed by kind of mapping.

bench/memory.sh calls it on the copies it takes (idle, and at the highest RSS it sampled during
the pushes and the pulls). Usage: smaps.py EXE SMAPS [SMAPS...] -> one Markdown row per kind,
one column per file (MiB). EXE is the server's executable (/proc/PID/exe): its mappings are the
native image (code, read-only image heap, writable image heap), or the java launcher on a JVM.

Anonymous mappings are told apart by where they are and their size, without symbols: a native
image's Java heap lies in its heap address space reservation, right after the image heap (see
heap_range); glibc's per-thread malloc arenas are 64 MiB-aligned 64 MiB reservations (small
mallocs); a malloc above glibc's mmap threshold is a mapping of its own, so 4 MiB + a little is
one of Netty's pool chunks and 1 MiB + 64 KiB + a little one of the filesystem DiskWriter's
aligned direct buffers (in a native image, direct buffers are malloc'd); thread stacks follow a
guard page. On a JVM the Java heap, metaspace and code cache all count as "other".
"""
import sys

MIB = 1024 * 1024
# What glibc maps for one malloc above its mmap threshold: the size, its 16-byte header, a page.
DISK_BUFFER = MIB + 64 * 1024 + 4096  # DiskWriter: allocateDirect(1 MiB + 64 KiB) for alignment
NETTY_CHUNK = 4 * MIB + 4096          # Netty's PooledByteBufAllocator chunk (maxOrder 9)


def parse(path):
    maps, cur = [], None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if '-' in parts[0] and len(parts) >= 5 and ':' not in parts[0]:
                lo, hi = (int(x, 16) for x in parts[0].split('-'))
                cur = {'lo': lo, 'hi': hi, 'size': hi - lo, 'perms': parts[1], 'path': ' '.join(parts[5:]), 'rss': 0, 'anon': 0}
                maps.append(cur)
            elif cur is not None and parts[0] in ('Rss:', 'Anonymous:'):
                cur['rss' if parts[0] == 'Rss:' else 'anon'] += int(parts[1]) * 1024
    return maps


def heap_range(maps, exe):
    """A native image's Java heap: its address space reservation (the largest no-access mapping,
    tens of GiB) starts with the image heap mapped from the executable; the chunks the GC commits
    are the anonymous mappings between those and the reservation's end. None on a JVM."""
    big = max((m for m in maps if m['perms'].startswith('---') and not m['path']), key=lambda m: m['size'], default=None)
    if big is None or big['size'] < (1 << 30):
        return None
    below = [m for m in maps if m['path'] == exe and m['hi'] <= big['lo'] and m['lo'] > big['lo'] - (1 << 30)]
    return (min(m['lo'] for m in below) if below else big['lo'], big['hi'])


def classify(maps, exe):
    """Yields (kind, rss) per mapping; neighbours tell arenas and stacks from the rest."""
    heap = heap_range(maps, exe)
    for i, m in enumerate(maps):
        prev = maps[i - 1] if i else None
        nxt = maps[i + 1] if i + 1 < len(maps) else None
        if heap and not m['path'] and heap[0] <= m['lo'] < heap[1]:
            yield 'anonymous: Java heap (chunks in the native heap reservation)', m['rss']
        elif m['path'] == exe and 'w' in m['perms']:
            # One mapping holds both: pages still shared with the file, and private copies of
            # the pages the process wrote (smaps' Anonymous).
            yield 'executable: writable image heap / data (rw-), written (private)', m['anon']
            yield 'executable: writable image heap / data (rw-), clean', m['rss'] - m['anon']
        else:
            yield kind(m, prev, nxt, exe), m['rss']


def anon_gap(a, b):
    """b is an anonymous no-access mapping right after a (a reservation's unused rest or a guard)."""
    return b is not None and not b['path'] and b['perms'].startswith('---') and a['hi'] == b['lo']


def kind(m, prev, nxt, exe):
    path, perms, size = m['path'], m['perms'], m['size']
    if path == exe:
        if 'x' in perms:
            return 'executable: code (r-x)'
        return 'executable: read-only image heap / data (r--)'
    if path.startswith('/'):
        return 'other files (libc, libz, JDK libraries, CDS archive)'
    if path == '[heap]':
        return 'malloc: main arena ([heap])'
    if path.startswith('[stack'):
        return 'main thread stack'
    if path:
        return 'other (%s)' % path.split(':')[0]
    if not perms.startswith('rw'):
        return 'anonymous: other (JVM: Java heap, metaspace, code cache; native: large mallocs)'
    arena = 64 * MIB
    if m['lo'] % arena == 0 and (size == arena or anon_gap(m, nxt) and size + nxt['size'] == arena):
        return 'malloc: thread arenas (64 MiB reservations)'
    guard = prev is not None and not prev['path'] and prev['perms'].startswith('---') and prev['hi'] == m['lo']
    if guard and prev['size'] <= MIB and size <= 16 * MIB:
        return 'anonymous: thread stacks (after a guard page)'
    # The kernel merges adjacent mappings, so several such mallocs show as one of n times the size.
    if size % DISK_BUFFER == 0:
        return 'anonymous: 1 MiB + 64 KiB mallocs (filesystem DiskWriter direct buffers)'
    if size % NETTY_CHUNK == 0:
        return 'anonymous: 4 MiB mallocs (Netty pool chunks)'
    return 'anonymous: other (JVM: Java heap, metaspace, code cache; native: large mallocs)'


def main():
    exe, files = sys.argv[1], sys.argv[2:]
    sums, anons = [], []
    for f in files:
        s, maps = {}, parse(f)
        for k, rss in classify(maps, exe):
            s[k] = s.get(k, 0) + rss
        sums.append(s)
        anons.append(sum(m['anon'] for m in maps))
    kinds = sorted({k for s in sums for k in s})
    for k in kinds:
        if all(s.get(k, 0) < MIB / 20 for s in sums):
            continue  # [vdso], empty kinds
        print('| %s | %s |' % (k, ' | '.join('%.1f' % (s.get(k, 0) / MIB) for s in sums)))
    print('| **total Rss** | %s |' % ' | '.join('**%.1f**' % (sum(s.values()) / MIB) for s in sums))
    # What only this process holds: the rest is file pages the kernel can drop and read back.
    print('| of which private (anonymous) | %s |' % ' | '.join('%.1f' % (a / MIB) for a in anons))


if __name__ == '__main__':
    main()
