"""What the benches read of processes and samples: resident memory, children, percentiles."""

from __future__ import annotations

from pathlib import Path


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (VmRSS); 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(root_pid: int) -> list[int]:
    """Every process below `root_pid` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # Field 4 of /proc/PID/stat is the parent pid (after "pid (comm) state").
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        for child in children.get(pid, []):
            found.append(child)
            pending.append(child)
    return found


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted samples (nearest rank); NaN without samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
