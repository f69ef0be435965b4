"""Cluster against local workers: a LocalCluster of 1 and 2 workers and ``--jobs 1``/``--jobs 2``, same run.

Every round times, in an order that rotates from round to round so that a
drift in the machine's speed tilts no configuration:

- ``local --jobs N``: ``policycli extract CORPUS -o out.parquet --jobs N`` as
  a subprocess, start-up included (as a user runs it);
- ``cluster N``: ``write_dataset`` of the same files on a LocalCluster of N
  single-threaded worker processes, started and warmed once before the
  rounds: what a run on a standing cluster costs;
- ``cli local:N``: the whole ``policycli extract CORPUS --scheduler local:N
  -o DIR`` command, the cluster's start and stop included.

It prints files per second, the speed-up of two workers over one, the
cluster's overhead per file (a warm cluster of N against ``--jobs N`` in wall
time, and in CPU time against extracting every file and encoding its
partition in one process, which a busy machine disturbs far less), the peak memory of each cluster worker and
of the client, and, each round, how much faster two CPU-bound processes ran
than one (the second core of a shared machine is not always there). The corpus is ``../shared/bench``
when present, else the generated one of ``bench/batch.py``.

    python bench/cluster.py [CORPUS] [--rounds N]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batch import SHARED, SUMMARY, generated_corpus, parallel_ceiling  # noqa: E402

SIZES = (1, 2)


def local_run(corpus: Path, out: Path, jobs: int) -> tuple[float, int]:
    """One local command: wall seconds and records."""
    command = [sys.executable, "-m", "policycli", "extract", str(corpus), "-o", str(out), "--jobs", str(jobs)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    found = SUMMARY.search(done.stderr)
    if done.returncode != 0 or not found:
        sys.exit(f"extract failed ({done.returncode}):\n{done.stderr}")
    return wall, int(found.group(5))


def cli_cluster_run(corpus: Path, out: Path, workers: int) -> float:
    command = [sys.executable, "-m", "policycli", "extract", str(corpus), "--scheduler", f"local:{workers}",
               "-o", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"cluster extract failed ({done.returncode}):\n{done.stderr}")
    return wall


def warm_worker() -> None:
    """Load the engine, the shipped packs and pyarrow in a worker, as its first partition would."""
    import policycli.warmup  # noqa: F401
    from policycli.export.parquet import parquet_bytes

    parquet_bytes([])


def cpu_here() -> float:
    """CPU seconds this process has used (a worker's, when run there by ``client.run``)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def in_process_cpu(paths: list[str]) -> float:
    """CPU seconds one process spends on the workers' share of a cluster run, without the
    cluster: extracting every file and encoding the same partitions' Parquet files."""
    from policycli import extract_file
    from policycli.distributed import partition_size, partitions
    from policycli.export.parquet import parquet_bytes
    from policycli.rows import row_of

    started = time.process_time()
    for chunk in partitions(paths, partition_size(len(paths))):
        parquet_bytes([row_of(record) for path in chunk for record in extract_file(path)])
    return time.process_time() - started


def peak_kib() -> int:
    """Peak resident memory of this process (a worker's, when run there by ``client.run``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cluster_run(client, paths: list[str], out: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the workers' and this process's: client, scheduler and
    file writing) and records of one dataset written on a standing cluster."""
    from policycli.distributed import write_dataset

    cpu = sum(client.run(cpu_here).values()) + cpu_here()
    started = time.perf_counter()
    sources = write_dataset(paths, out, client)
    wall = time.perf_counter() - started
    cpu = sum(client.run(cpu_here).values()) + cpu_here() - cpu
    return wall, cpu, sum(s.records for s in sources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="folder of documents (default: ../shared/bench)")
    parser.add_argument("--rounds", type=int, default=3, help="how many times to repeat the set (default 3)")
    args = parser.parse_args()

    import logging

    from distributed import Client, LocalCluster

    from policycli.batch import expand

    logging.getLogger("distributed").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = args.corpus or (SHARED if SHARED.is_dir() else generated_corpus(tmp / "corpus"))
        paths = expand([str(corpus)]).paths
        files = len(paths)
        print(f"corpus: {corpus} ({files} files); {os.cpu_count()} CPUs; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        clusters, clients = {}, {}
        for size in SIZES:
            clusters[size] = LocalCluster(n_workers=size, threads_per_worker=1, processes=True,
                                          dashboard_address=":0")
            clients[size] = Client(clusters[size])
            clients[size].run(warm_worker)
        ready = {size: sorted(v / 1024 for v in clients[size].run(peak_kib).values()) for size in SIZES}
        names = [f"local --jobs {n}" for n in SIZES] + [f"cluster {n}" for n in SIZES] + [
            f"cli local:{n}" for n in SIZES]
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {"in-process": [], **{f"cluster {n}": [] for n in SIZES}}
        machine, records = [], {}
        try:
            for number in range(1, max(1, args.rounds) + 1):
                machine.append(parallel_ceiling())
                order = names[number % len(names):] + names[:number % len(names)]
                row = {}
                for name in order:
                    out = tmp / f"{name.replace(' ', '_').replace(':', '')}-{number}"
                    size = int(name[-1])
                    if name.startswith("local"):
                        wall, records[name] = local_run(corpus, out.with_suffix(".parquet"), size)
                    elif name.startswith("cluster"):
                        wall, used, records[name] = cluster_run(clients[size], paths, out)
                        cpu[name].append(used)
                    else:
                        wall = cli_cluster_run(corpus, out, size)
                    times[name].append(wall)
                    row[name] = wall
                cpu["in-process"].append(in_process_cpu(paths))
                print(f"round {number}: two CPU-bound processes ran {machine[-1]:.2f}x as fast as one; "
                      + ", ".join(f"{name} {row[name]:.2f} s" for name in names))
            worker_peaks = {size: sorted(v / 1024 for v in clients[size].run(peak_kib).values()) for size in SIZES}
        finally:
            for size in SIZES:
                clients[size].close()
                clusters[size].close()
    if len(set(records.values())) != 1:
        sys.exit(f"the runs disagree on the record count: {records}")

    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nmedians over {len(machine)} rounds ({files} files, {next(iter(records.values()))} records; "
          f"two-process ratio of the machine {statistics.median(machine):.2f}x, "
          f"range {min(machine):.2f}-{max(machine):.2f}):")
    print(f"  {'run':<18}{'seconds':>9}{'files/s':>9}{'min s':>8}{'max s':>8}")
    for name in names:
        print(f"  {name:<18}{median[name]:>9.2f}{files / median[name]:>9.1f}"
              f"{min(times[name]):>8.2f}{max(times[name]):>8.2f}")
    print(f"  speed-up, 2 over 1: local {median['local --jobs 1'] / median['local --jobs 2']:.2f}x, "
          f"cluster {median['cluster 1'] / median['cluster 2']:.2f}x")
    for size in SIZES:
        overhead = (median[f"cluster {size}"] - median[f"local --jobs {size}"]) / files * 1000
        print(f"  cluster overhead per file, {size} worker(s) against --jobs {size}: {overhead:+.2f} ms wall")
    base = statistics.median(cpu["in-process"])
    for size in SIZES:
        extra = (statistics.median(cpu[f"cluster {size}"]) - base) / files * 1000
        print(f"  CPU per file: in one process {base / files * 1000:.2f} ms; cluster {size}: "
              f"{statistics.median(cpu[f'cluster {size}']) / files * 1000:.2f} ms ({extra:+.2f} ms of overhead)")
    for size in SIZES:
        start = (median[f"cli local:{size}"] - median[f"cluster {size}"])
        print(f"  starting and stopping a LocalCluster of {size} from the command line: {start:.2f} s")
    print("  peak memory per cluster worker (after start and warm-up -> after the runs): " + "; ".join(
        f"{size} worker(s): " + ", ".join(f"{before:.0f} -> {after:.0f} MiB"
                                         for before, after in zip(ready[size], worker_peaks[size]))
        for size in SIZES))
    print(f"  peak memory of this script, the client that writes the files: {peak_kib() / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
