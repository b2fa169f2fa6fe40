#!/usr/bin/python3
"""zeep against InstanceService of ladon-examples on a data directory this test writes itself
(layout: services/instances/instance_dir.h): getInstance, listInstances, the task cloneInstance,
whose copied image files must equal the source's byte for byte; and, first, the default demo
folder (no --data-dir; XDG_RUNTIME_DIR points at a temporary directory).

usage: /usr/bin/python3 test_zeep_instances.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)

Data directory (one folder per instance, named by its id):
    i-0000000a/ instance.conf (name=alpha, vcpus=2, disk=root.img, disk=data.img) + the images
    i-0000000b/ beta, 1 vcpu, one small image
    i-0000000c/ gamma, 4 vcpus, one EMPTY image (a 0-byte clone)
and entries that are no instance and must be ignored: a folder without instance.conf, a folder
whose instance.conf names a missing image, a hidden folder, a plain file.

The copy rate (LADON_EXAMPLE_COPY_RATE) is 2 MiB/s, so cloning alpha (3 MiB) takes ~1.5 s and
shows several progress values.  Then a failed clone (name taken, unknown source, bad name) must
leave the data directory exactly as it was.
"""

import os
import re
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, server_binary  # noqa: E402
from task_helpers import (INT32_MAX, UNKNOWN_ID, call, client, expect_fault,  # noqa: E402
                          poll_until_done, result_after_end, task_id_of)

COPY_RATE = 2 * 1024 * 1024
MIB = 1024 * 1024
POLL_TIMEOUT = 60.0
ID_RE = re.compile(r"^i-[0-9a-f]{8}$")

INSTANCES = {
    "i-0000000a": {"name": "alpha", "vcpus": 2,
                   "disks": [("root.img", 2 * MIB), ("data.img", MIB + 7)]},
    "i-0000000b": {"name": "beta", "vcpus": 1, "disks": [("disk0.img", 4096)]},
    "i-0000000c": {"name": "gamma", "vcpus": 4, "disks": [("empty.img", 0)]},
}


def write_instance(root, iid, spec):
    d = os.path.join(root, iid)
    os.mkdir(d)
    lines = ["name=%s" % spec["name"], "vcpus=%d" % spec["vcpus"]]
    for fname, size in spec["disks"]:
        with open(os.path.join(d, fname), "wb") as f:
            f.write(os.urandom(size))
        lines.append("disk=%s" % fname)
    with open(os.path.join(d, "instance.conf"), "w") as f:
        f.write("\n".join(lines) + "\n")


def populate(root):
    for iid, spec in INSTANCES.items():
        write_instance(root, iid, spec)
    # Not instances (ignored): no instance.conf; a missing image; hidden; a plain file.
    os.mkdir(os.path.join(root, "i-0000000d"))
    with open(os.path.join(root, "i-0000000d", "root.img"), "wb") as f:
        f.write(b"x" * 100)
    os.mkdir(os.path.join(root, "i-0000000e"))
    with open(os.path.join(root, "i-0000000e", "instance.conf"), "w") as f:
        f.write("name=broken\nvcpus=1\ndisk=missing.img\n")
    os.mkdir(os.path.join(root, ".hidden"))
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("not an instance\n")


def snapshot(root):
    """Every path under root (hidden ones included) with its size and content digest."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        out[rel + "/"] = None
        for fn in filenames:
            p = os.path.join(dirpath, fn)
            with open(p, "rb") as f:
                out[os.path.join(rel, fn)] = hash(f.read())
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def expected_info(iid):
    spec = INSTANCES[iid]
    return {"instance_id": iid, "name": spec["name"], "vcpus": spec["vcpus"],
            "disks": [d for d, _ in spec["disks"]],
            "size_bytes": sum(s for _, s in spec["disks"])}


def as_dict(info):
    if info is None:
        return None
    return {"instance_id": info.instance_id, "name": info.name, "vcpus": info.vcpus,
            "disks": list(info.disks or []), "size_bytes": info.size_bytes}


def listed(svc):
    """listInstances() as a list of dicts.  zeep unwraps <result> (an InstanceList) and then its
    only element, so it returns the list of InstanceInformation itself."""
    r = svc.listInstances()
    if not isinstance(r, list):
        raise TypeError("zeep returned %r for listInstances, expected a list" % (r,))
    return [as_dict(i) for i in r]


def run_clone(svc, src, new_name):
    """Starts a clone and polls it to the end: (task id, polls, value, fault); (None, [], None,
    fault) when the start itself is refused (cloneInstance_check)."""
    started, fault = call(svc.cloneInstance, instance_id=src, new_instance_name=new_name)
    if fault is not None:
        return None, [], None, fault
    tid = task_id_of(started)
    polls = poll_until_done(svc.cloneInstance_progress, tid, POLL_TIMEOUT)
    value, fault, _ = result_after_end(svc.cloneInstance_result, tid)
    return tid, polls, value, fault


def check_failed_clone(checks, svc, label, src, new_name, message, root):
    """cloneInstance_check (LADON_CHECK) refuses the start itself: a Client fault at
    cloneInstance, and no task is created."""
    before = snapshot(root)
    value, fault = call(svc.cloneInstance, instance_id=src, new_instance_name=new_name)
    checks.ok("%s: the start is a fault" % label, fault is not None, "returned %r" % (value,))
    if fault is not None:
        checks.equal("%s: faultcode" % label, fault.code, "Client")
        checks.equal("%s: faultstring" % label, fault.message, message)
    after = snapshot(root)
    checks.ok("%s: nothing new is left in the data dir" % label, after == before,
              "added %r, removed %r" % (sorted(set(after) - set(before)),
                                       sorted(set(before) - set(after))))


def check_failed_midway(checks, svc, root):
    label = "clone failing mid-copy"
    iid = "i-0000000f"
    write_instance(root, iid, {"name": "delta", "vcpus": 1,
                               "disks": [("root.img", 2 * MIB), ("data.img", MIB)]})
    before = snapshot(root)
    tid = task_id_of(svc.cloneInstance(instance_id=iid, new_instance_name="delta-copy"))
    deadline = time.monotonic() + POLL_TIMEOUT
    temp = []
    while time.monotonic() < deadline:
        p = svc.cloneInstance_progress(task_id=tid)
        temp = [e for e in os.listdir(root) if e.startswith(".clone-")]
        if p.progress > 0.0:
            break
        time.sleep(0.01)
    checks.ok("%s: copying (0 < progress < 0.5) with a temporary .clone-* folder" % label,
              0.0 < p.progress < 0.5 and len(temp) == 1, "progress %r, temp %r" % (p.progress, temp))
    os.remove(os.path.join(root, iid, "data.img"))
    del before[os.path.join(iid, "data.img")]
    polls = poll_until_done(svc.cloneInstance_progress, tid, POLL_TIMEOUT)
    checks.ok("%s: progress ends at 1.0" % label, polls[-1][1].progress == 1.0, repr(polls[-1][1]))
    # m_progress of a failed task answers (no fault): state failed, the failure text
    checks.equal("%s: m_progress shows state failed" % label, polls[-1][1].state, "failed")
    checks.equal("%s: m_progress shows the failure text" % label, polls[-1][1].message,
                 "cannot copy instance '%s': No such file or directory" % iid)
    value, fault, _ = result_after_end(svc.cloneInstance_result, tid)
    checks.ok("%s: the result is a fault" % label, fault is not None, "returned %r" % (value,))
    if fault is not None:
        checks.equal("%s: faultcode" % label, fault.code, "Server")
        checks.equal("%s: faultstring" % label, fault.message,
                     "task %d failed: cannot copy instance '%s': No such file or directory"
                     % (tid, iid))
    after = snapshot(root)
    checks.ok("%s: the partial copy is gone, nothing new is left" % label, after == before,
              "added %r, removed %r" % (sorted(set(after) - set(before)),
                                       sorted(set(before) - set(after))))


def body(checks, srv, root):
    c = client(srv.wsdl_url("InstanceService"))
    svc = c.service

    # getInstance / listInstances on the data written above.
    for iid in INSTANCES:
        checks.equal("getInstance(%s)" % iid, as_dict(svc.getInstance(instance_id=iid)),
                     expected_info(iid))
    got = listed(svc)
    checks.equal("listInstances: the 3 valid instances, sorted by id", got,
                 [expected_info(iid) for iid in sorted(INSTANCES)])
    for bad in ("i-0000000d", "i-0000000e", ".hidden", "notes.txt", "i-99999999", "../etc",
                "no such"):
        expect_fault(checks, "getInstance(%r)" % bad, svc.getInstance, "Client",
                     text="unknown instance '%s'" % bad, instance_id=bad)

    # Clone alpha -> "alpha-copy", rate-limited: several progress values, monotonic, 1.0 at the end.
    src = "i-0000000a"
    t0 = time.time()
    tid, polls, value, fault = run_clone(svc, src, "alpha-copy")
    checks.ok("clone: task id valid", 1 <= tid <= INT32_MAX, repr(tid))
    prog = [r.progress for _, r in polls]
    checks.ok("clone: every poll names the task", all(r.task_id == tid for _, r in polls))
    checks.ok("clone: progress never decreases", all(b >= a for a, b in zip(prog, prog[1:])),
              repr(prog))
    checks.ok("clone: progress within [0, 1]", all(0.0 <= p <= 1.0 for p in prog), repr(prog))
    checks.equal("clone: progress ends at 1.0", prog[-1], 1.0)
    middle = sorted({p for p in prog if 0.0 < p < 1.0})
    checks.ok("clone: several progress values while copying", len(middle) >= 3, repr(middle))
    dur = [r.duration for _, r in polls]
    total_bytes = expected_info(src)["size_bytes"]
    checks.ok("clone: duration reflects the copy rate (>= 80%% of %.2f s)"
              % (total_bytes / COPY_RATE), dur[-1] >= 0.8 * total_bytes / COPY_RATE, repr(dur[-1]))
    checks.ok("clone: starttime fixed and near now",
              len({r.starttime for _, r in polls}) == 1 and abs(polls[0][1].starttime - t0) < 5,
              repr({r.starttime for _, r in polls}))
    checks.ok("clone: no fault", fault is None, repr(fault))
    info = as_dict(value)
    if checks.ok("clone: result is an InstanceInformation", info is not None, repr(value)):
        new_id = info["instance_id"]
        checks.ok("clone: new id looks like i-XXXXXXXX and is new",
                  ID_RE.match(new_id or "") is not None and new_id not in INSTANCES, repr(new_id))
        exp = dict(expected_info(src), instance_id=new_id, name="alpha-copy")
        checks.equal("clone: result fields", info, exp)
        checks.equal("clone: result asked again",
                     as_dict(svc.cloneInstance_result(task_id=tid)), exp)
        checks.equal("clone: getInstance(new id)", as_dict(svc.getInstance(instance_id=new_id)),
                     exp)
        d_src, d_new = os.path.join(root, src), os.path.join(root, new_id or "?")
        checks.ok("clone: folder %s exists" % new_id, os.path.isdir(d_new))
        for fname, size in INSTANCES[src]["disks"]:
            p = os.path.join(d_new, fname)
            same = os.path.isfile(p) and read(p) == read(os.path.join(d_src, fname))
            checks.ok("clone: %s has the same %d bytes as the source" % (fname, size), same,
                      "size %r" % (os.path.getsize(p) if os.path.exists(p) else None))
        checks.ok("clone: source unchanged", all(
            os.path.getsize(os.path.join(d_src, f)) == s for f, s in INSTANCES[src]["disks"]))
        conf = read(os.path.join(d_new, "instance.conf")).decode() \
            if os.path.isfile(os.path.join(d_new, "instance.conf")) else ""
        checks.ok("clone: instance.conf names it alpha-copy", "name=alpha-copy" in conf.split("\n"),
                  repr(conf))
        ids = [i["instance_id"] for i in listed(svc)]
        checks.equal("clone: listInstances includes it, sorted", ids,
                     sorted(list(INSTANCES) + [new_id]))
        entries = sorted(e for e in os.listdir(root) if e.startswith("."))
        checks.equal("clone: no temporary folder left", entries, [".hidden"])

    # A clone's task id is unknown to TaskService.taskExample_* (another method's id).
    tc = client(srv.wsdl_url("TaskService")).service
    for op in ("taskExample_progress", "taskExample_result"):
        expect_fault(checks, "%s(id of cloneInstance)" % op, getattr(tc, op), "Client",
                     text=UNKNOWN_ID % tid, task_id=tid)
    for bad in (0, -1):
        for op in ("cloneInstance_progress", "cloneInstance_result"):
            expect_fault(checks, "%s(%d)" % (op, bad), getattr(svc, op), "Client",
                         text=UNKNOWN_ID % bad, task_id=bad)

    # Clone of an instance with an empty image: a real, 0-byte copy.
    _, polls, value, fault = run_clone(svc, "i-0000000c", "gamma-copy")
    info = as_dict(value)
    checks.ok("empty clone: succeeds", fault is None and info is not None, repr(fault))
    if info is not None:
        checks.equal("empty clone: result", info,
                     dict(expected_info("i-0000000c"), instance_id=info["instance_id"],
                          name="gamma-copy"))
        p = os.path.join(root, info["instance_id"] or "?", "empty.img")
        checks.ok("empty clone: empty.img exists with 0 bytes",
                  os.path.isfile(p) and os.path.getsize(p) == 0)

    # Failed clones leave nothing behind.
    check_failed_clone(checks, svc, "clone to an existing name", "i-0000000b", "alpha",
                       "an instance named 'alpha' already exists", root)
    check_failed_clone(checks, svc, "clone to the clone's name", "i-0000000b", "alpha-copy",
                       "an instance named 'alpha-copy' already exists", root)
    check_failed_clone(checks, svc, "clone of an unknown id", "i-99999999", "delta",
                       "unknown instance 'i-99999999'", root)
    check_failed_clone(checks, svc, "clone to an invalid name", "i-0000000b", "../evil",
                       "invalid instance name '../evil'", root)

    # A clone that fails in the middle of the copy: the source's second image disappears while
    # the first is being copied (rate-limited, ~1 s).  The partial copy must be removed.
    check_failed_midway(checks, svc, root)

    # Two clones to the same new name at once: exactly one wins, the other gets the clash fault.
    before = set(os.listdir(root))
    results = [None, None]

    def clone_into(k):
        s = client(srv.wsdl_url("InstanceService")).service
        results[k] = run_clone(s, "i-0000000a", "twin")

    threads = [threading.Thread(target=clone_into, args=(k,)) for k in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=POLL_TIMEOUT + 30)
    outcomes = [r for r in results if r is not None]
    ok = [r for r in outcomes if r[3] is None]
    bad = [r for r in outcomes if r[3] is not None]
    checks.ok("concurrent clones to one name: one succeeds, one fails",
              len(ok) == 1 and len(bad) == 1, repr([(r[0], r[3]) for r in outcomes]))
    if len(ok) == 1 and len(bad) == 1:
        # the loser is refused by cloneInstance_check when the winner's folder is there
        # already, else its body finds the clash when it renames
        want = "an instance named 'twin' already exists"
        if bad[0][0] is not None:
            want = "task %d failed: %s" % (bad[0][0], want)
        checks.equal("concurrent clones: the loser's fault", bad[0][3].message, want)
        # the body's LADON_FAULT_CLIENT survives the task (issue 13, item 5)
        checks.equal("concurrent clones: the loser's faultcode stays Client", bad[0][3].code,
                     "Client")
        new = set(os.listdir(root)) - before
        checks.equal("concurrent clones: exactly one new folder, the winner's", new,
                     {ok[0][2].instance_id})


DEMO = [
    {"instance_id": "i-00000001", "name": "web-01", "vcpus": 2, "disks": ["root.img", "swap.img"],
     "size_bytes": 5 * MIB},
    {"instance_id": "i-00000002", "name": "db-01", "vcpus": 4, "disks": ["root.img", "data.img"],
     "size_bytes": 12 * MIB},
]


def demo_checks(checks, binary):
    """Without --data-dir the server uses its per-user demo folder, $XDG_RUNTIME_DIR/ladon-examples
    (here a temporary XDG_RUNTIME_DIR, so nothing is shared), created with the two demo instances;
    a second start finds them and creates nothing more."""
    with tempfile.TemporaryDirectory(prefix="ladon-zeep-instances-xdg-") as xdg:
        demo = os.path.join(xdg, "ladon-examples")
        env = dict(os.environ, XDG_RUNTIME_DIR=xdg)
        for run in (1, 2):
            srv = Server(binary, env=env, services=("InstanceService",))
            try:
                srv.start()
            except ServerError as e:
                checks.ok("demo server %d starts" % run, False, str(e))
                return
            try:
                def check(run=run, srv=srv):
                    svc = client(srv.wsdl_url("InstanceService")).service
                    got = listed(svc)
                    checks.equal("demo dir, start %d: listInstances" % run, got, DEMO)
                    checks.equal("demo dir, start %d: getInstance(i-00000002)" % run,
                                 as_dict(svc.getInstance(instance_id="i-00000002")), DEMO[1])
                checks.run("demo dir, start %d" % run, check)
            finally:
                checks.server_stopped(srv)
            if run == 1:
                checks.ok("demo folder created private (0700)", os.path.isdir(demo)
                          and (os.stat(demo).st_mode & 0o777) == 0o700,
                          oct(os.stat(demo).st_mode) if os.path.exists(demo) else "missing")
                for inst in DEMO:
                    total = sum(os.path.getsize(os.path.join(demo, inst["instance_id"], d))
                                for d in inst["disks"]
                                if os.path.isfile(os.path.join(demo, inst["instance_id"], d)))
                    checks.equal("demo %s: image bytes on disk" % inst["instance_id"], total,
                                 inst["size_bytes"])
                first = snapshot(demo)
        checks.ok("demo folder unchanged by the second start", snapshot(demo) == first)


def main():
    checks = Checks("zeep instances")
    binary = server_binary()
    demo_checks(checks, binary)
    with tempfile.TemporaryDirectory(prefix="ladon-zeep-instances-") as root:
        populate(root)
        env = dict(os.environ, LADON_EXAMPLE_COPY_RATE=str(COPY_RATE))
        srv = Server(binary, args=["--data-dir", root], env=env,
                     services=("TaskService", "InstanceService"))
        try:
            srv.start()
        except ServerError as e:
            print("FAIL: %s" % e)
            sys.exit(1)
        try:
            checks.run("instance checks", lambda: body(checks, srv, root))
        finally:
            checks.server_stopped(srv)
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
