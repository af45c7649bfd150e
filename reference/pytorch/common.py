"""Shared plumbing of the reference scripts: seeds, one thread, the long CSV format, resuming.

Each script re-runs one tutorial's own PyTorch code over seeds and appends its figures to
results/reference/NAME.csv in the suite's long format (setting,epoch,metric,value). A run (one setting,
one seed) is written only when it has finished, with its wall time as the row `wall_seconds`, so a script
stopped at any point and started again skips the runs already in the file and redoes only the one it was in.
"""
import argparse
import csv
import io
import os
import sys
import time

HEADER = ["setting", "epoch", "metric", "value"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def seeds(text):
    """'0..4' or '0,1,2' -> [0, 1, 2, 3, 4] / [0, 1, 2]."""
    bad = argparse.ArgumentTypeError("expected seeds such as 0..4 or 0,1,2 (whole numbers from 0), got '%s'" % text)
    out = []
    try:
        for part in text.split(","):
            part = part.strip()
            if ".." in part:
                lo, hi = part.split("..")
                out.extend(range(int(lo), int(hi) + 1))
            elif part:
                out.append(int(part))
    except ValueError:  # 'abc', '1..2..3'
        raise bad
    if not out or min(out) < 0:
        raise bad
    return out


def args(default_seeds, doc, extra=None, starts=None):
    """The scripts' common options; extra(parser), if given, adds a script's own. starts maps the experiments whose
    start a script can write to a function of the seed that returns the model as that run starts it; with --starts
    the script writes those (of --only's) and exits without training."""
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--seeds", type=seeds, default=seeds(default_seeds),
                   help="seeds to run, e.g. 0..4 (default %s)" % default_seeds)
    p.add_argument("--out", default=os.path.join(ROOT, "results", "reference"),
                   help="folder of the NAME.csv files (default results/reference)")
    p.add_argument("--only", default="", help="comma-separated experiment names to run (default: all of this script's)")
    p.add_argument("--bases", default="", help="comma-separated settings without their seed to run, e.g. "
                   "length=35,length=30 (default: all; rnnlab's -Dexp=settle plans seeds per setting)")
    p.add_argument("--starts", action="store_true",
                   help="write each seed's start (the model's parameters as its run begins) to starts/NAME/seed-N.json, "
                   "for the experiments of --only that have one, instead of training")
    if extra:
        extra(p)
    a = p.parse_args()
    a.only = [s for s in a.only.split(",") if s]
    a.bases = {s for s in a.bases.split(",") if s}
    Table.bases = a.bases
    if a.starts:
        for name, start in (starts or {}).items():
            if not a.only or name in a.only:
                write_starts(name, start, a.seeds)
        sys.exit(0)
    return a


# a start's key for the batches' order, where a run draws it: the offset of each epoch's seq_data_iter_sequential
BATCH_OFFSETS = "batch_offsets"


def write_starts(name, start, seeds):
    """starts/NAME/seed-N.json for each seed: the model's named_parameters() (a scratch model's: a dict of its
    tensors, and BATCH_OFFSETS when the run draws its batches' order) as nested lists, each file written whole or not
    at all (rnnlab's start=tutorial loads them; rnnlab.model.TorchStart)."""
    import json
    folder = os.path.join(ROOT, "starts", name)
    os.makedirs(folder, exist_ok=True)
    for seed in seeds:
        model = start(seed)
        items = model.items() if isinstance(model, dict) else model.named_parameters()
        path = os.path.join(folder, "seed-%d.json" % seed)
        with open(path + ".tmp", "w") as f:
            json.dump({k: v.detach().tolist() if hasattr(v, "detach") else v for k, v in items}, f)
        os.replace(path + ".tmp", path)
        print("%s: wrote %s" % (name, os.path.relpath(path, ROOT)))


def one_thread():
    import torch
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)


def number(v):
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = "%.6g" % v
    if "e" not in s and "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


class Table:
    """results/reference/NAME.csv: the runs already there, and appending a finished run's rows at once.

    Several processes may fill one table at once (rnnlab's -Dexp=settle runs one a core): reading it and appending
    to it hold an exclusive lock on NAME.csv.lock, so no run's rows interleave with another's, and a run being
    trained is claimed (running/NAME.SETTING.lock), so no two processes train it."""

    bases = set()  # --bases: the settings (without their seed) asked for; empty: all

    def __init__(self, out_dir, name):
        os.makedirs(out_dir, exist_ok=True)
        self.path = os.path.join(out_dir, name + ".csv")
        self.name = name
        self.done = set()
        self.claims = {}  # setting -> the open lock file of a run this process is training
        with self.locked():
            self.load()

    def locked(self):
        return locked(self.path)

    def load(self):
        """Reads the runs done (call it holding the lock); a run cut off while its rows were written is dropped."""
        if os.path.exists(self.path):
            with open(self.path, newline="", encoding="utf-8") as f:
                text = f.read()
            # a kill in the middle of a write leaves a last line without its newline: part of a row, never a row
            # (it may look whole, "...,wall_seconds,1" of 12.5, so its run is dropped and trained again)
            whole = text[:text.rfind("\n") + 1]
            rows = list(csv.reader(io.StringIO(whole)))
            if rows and rows[0] != HEADER:
                sys.exit("%s: first line is not %s; move it away and run again" % (self.path, ",".join(HEADER)))
            self.done = {r[0] for r in rows[1:] if len(r) == 4 and r[2] == "wall_seconds"}
            kept = [r for r in rows[1:] if len(r) == 4 and r[0] in self.done]
            if len(kept) != len(rows) - 1 or whole != text or not rows:
                with open(self.path + ".tmp", "w", encoding="utf-8") as f:
                    f.write("\n".join(",".join(r) for r in [HEADER] + kept) + "\n")
                os.replace(self.path + ".tmp", self.path)

    def has(self, setting):
        """Whether the run is done, being run by another process, or not asked for (--bases names others): in each
        case not to run now. Otherwise this process claims the run until it appends it or ends, so that two
        processes (a core's each, or a second reference/run) never train the same run at once."""
        base = setting.rsplit(";seed=", 1)[0] if ";seed=" in setting else "all"
        if (Table.bases and base not in Table.bases) or setting in self.done:
            return True
        if not self.claim(setting):
            print("[%s] %s is being run by another process; skipped" % (self.name, setting), flush=True)
            return True
        with self.locked():
            self.load()  # the file again: another process may have finished the run since this one started
        if setting in self.done:
            self.release(setting)
            return True
        return False

    def claim(self, setting):
        """An exclusive lock on running/NAME.SETTING.lock, held until release() or the process's end (a kill
        frees it); False when another process holds it."""
        import fcntl
        folder = os.path.join(os.path.dirname(self.path), "running")
        os.makedirs(folder, exist_ok=True)
        f = open(os.path.join(folder, "%s.%s.lock" % (self.name, setting)), "w")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self.claims[setting] = f
        return True

    def release(self, setting):
        f = self.claims.pop(setting, None)
        if f:
            f.close()

    def append(self, setting, rows, wall_seconds):
        """rows: (epoch, metric, value); epoch a number or 'final'. Written in one write, then flushed."""
        lines = []
        for epoch, metric, value in rows:
            lines.append("%s,%s,%s,%s" % (setting, epoch if epoch == "final" else number(epoch), metric, number(value)))
        lines.append("%s,final,wall_seconds,%s" % (setting, number(round(wall_seconds, 1))))
        with self.locked():
            self.load()
            if setting in self.done:  # another process finished the same run meanwhile: one row set a run
                print("[%s] %s was finished by another process meanwhile; kept its rows" % (self.name, setting),
                      flush=True)
                self.release(setting)
                return
            if not os.path.exists(self.path):
                lines.insert(0, ",".join(HEADER))
            with open(self.path, "a", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
                f.flush()
                os.fsync(f.fileno())
            self.note_machine(setting)
        self.done.add(setting)
        self.release(setting)
        print("[%s] %s done in %.1f s" % (self.name, setting, wall_seconds), flush=True)


    def note_machine(self, setting):
        """Appends (experiment, setting, machine) to machines.csv beside the tables: runs of one table may come
        from more than one CPU kind over the sittings that made it."""
        path = os.path.join(os.path.dirname(self.path), "machines.csv")
        with locked(path):  # every table's processes append here
            head = "" if os.path.exists(path) else "experiment,setting,machine\n"
            with open(path, "a", encoding="utf-8") as f:
                f.write('%s%s,%s,"%s"\n' % (head, self.name, setting, machine()))


def locked(path):
    """An exclusive lock on PATH.lock while the with-block runs: processes of one core each share the files."""
    import contextlib
    import fcntl

    @contextlib.contextmanager
    def hold():
        with open(path + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    return hold()


def machine():
    """The CPU's model name, family and model number, and the OpenBLAS core type in force, as rnnlab's records name them."""
    model, fields = "unknown CPU", {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor's block is enough
                if ":" in line:
                    name, value = line.split(":", 1)
                    fields.setdefault(name.strip(), value.strip())
    except OSError:
        pass
    model = fields.get("model name", model)
    if "cpu family" in fields and "model" in fields:
        # a virtual machine often names every generation alike ("AMD EPYC"): the family and model tell them apart
        model += " (family %s model %s)" % (fields["cpu family"], fields["model"])
    core = os.environ.get("OPENBLAS_CORETYPE") or "(its own detection)"
    return "%s, %d cores, OpenBLAS core %s" % (model, os.cpu_count() or 0, core)


def dataset(name):
    """A corpus file from ../shared/datasets (or RNNLAB_DATASETS), as the suite's DataHub finds it."""
    for d in [os.environ.get("RNNLAB_DATASETS", ""), os.path.join(ROOT, "datasets"),
              os.path.join(os.path.dirname(ROOT), "shared", "datasets")]:
        if d and os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    sys.exit("cannot find %s in datasets/ or ../shared/datasets; set RNNLAB_DATASETS to its folder" % name)


class Clock:
    def __init__(self):
        self.t0 = time.time()

    def seconds(self):
        return time.time() - self.t0
