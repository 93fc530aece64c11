"""CPU time of a whole process tree from Linux's /proc: gunicorn's master and workers, or
PostgreSQL's postmaster and every process it starts.

A process's CPU shows in its own /proc/<pid>/stat while it lives (utime + stime), and in
its parent's cutime + cstime once the parent has reaped it. So the CPU a tree has used so
far is the root's own time, plus the root's reaped children's, plus each live child's own
and reaped children's time. Between two readings the difference counts everything the
tree did: PostgreSQL's parallel workers (short-lived children of the postmaster, not of the
backend that asked for them), backends that closed, gunicorn workers recycled after
`max_requests`, and the background processes (WAL writer, checkpointer, autovacuum).

Reading only the bench database's client backends, as the benchmark did before issue 21,
missed the parallel workers: up to half of a parallel query's CPU.
"""

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC = Path("/proc")


@dataclass(frozen=True)
class ProcStat:
    """The fields of /proc/<pid>/stat the benchmark uses; times in clock ticks."""

    pid: int
    comm: str
    ppid: int
    utime: int
    stime: int
    cutime: int
    cstime: int

    @property
    def own_ticks(self) -> int:
        return self.utime + self.stime

    @property
    def reaped_ticks(self) -> int:
        return self.cutime + self.cstime


def parse_stat(text: str) -> ProcStat:
    """One /proc/<pid>/stat line. The command name is in parentheses and may itself hold
    spaces and parentheses, so the fields are counted from the last ")"."""
    head, _, tail = text.rpartition(")")
    pid, _, comm = head.partition(" (")
    fields = tail.split()
    # After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    return ProcStat(
        pid=int(pid),
        comm=comm,
        ppid=int(fields[1]),
        utime=int(fields[11]),
        stime=int(fields[12]),
        cutime=int(fields[13]),
        cstime=int(fields[14]),
    )


def read_stat(pid: int) -> ProcStat | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None


def snapshot() -> dict[int, ProcStat]:
    """Every process this machine shows, by pid."""
    found = {}
    for entry in PROC.glob("[0-9]*"):
        stat = read_stat(int(entry.name))
        if stat is not None:
            found[stat.pid] = stat
    return found


def tree_ticks(stats: dict[int, ProcStat], root: int) -> int | None:
    """CPU ticks used so far by `root` and its children, live and reaped (None when the
    root is gone). Grandchildren count through their parent: live ones are added too."""
    if root not in stats:
        return None
    children: dict[int, list[ProcStat]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat)
    total = 0
    stack = [stats[root]]
    while stack:
        stat = stack.pop()
        total += stat.own_ticks + stat.reaped_ticks
        stack.extend(children.get(stat.pid, ()))
    return total


def tree_seconds(root: int, stats: dict[int, ProcStat] | None = None) -> float | None:
    ticks = tree_ticks(snapshot() if stats is None else stats, root)
    return None if ticks is None else ticks / CLOCK_TICKS


def used(before: float | None, after: float | None) -> float | None:
    """Seconds between two readings of a tree; None if either is missing."""
    if before is None or after is None:
        return None
    return max(after - before, 0.0)


def postmaster_of(backend_pid: int, stats: dict[int, ProcStat] | None = None) -> int | None:
    """The postmaster on this machine, from a backend's pid (`pg_backend_pid()`): its
    parent, when both are processes named postgres here. None when PostgreSQL runs
    elsewhere (the pid is then some other process, or none)."""
    stats = snapshot() if stats is None else stats
    backend = stats.get(backend_pid)
    if backend is None or backend.comm != "postgres":
        return None
    parent = stats.get(backend.ppid)
    if parent is None or parent.comm != "postgres":
        return None
    return parent.pid
