#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""locks.py: a process that holds a lock and waits (DESIGN 1.2: each wait
for a lock has a deadline).  Root only.

    locks.py hold DIR STATE RELEASE -- CMD...
        Run CMD traced (ptrace, from its first instruction; the tracer is
        root, so a setgid program it runs keeps its privilege).  After
        each flock or fcntl call that succeeded, look whether CMD now
        holds a write lock on DIR or a file in it (the file as it is at
        that moment, whatever its name): then leave CMD stopped there
        (detached with SIGSTOP, as the user's own `kill -STOP` would),
        and write "held PID PATH" to STATE.  Once the file RELEASE
        exists (at most 120 s), continue CMD, wait for it and write
        "exit N" to STATE.  CMD ending before it held such a lock
        writes "never N" (its status).  The "signal at a chosen point"
        of issue 11: no race, whatever the machine's load.

    locks.py drop DIR STATE RELEASE -- UID GID
        A child takes a write lock (flock) on DIR as root, then becomes
        UID with the sole group GID (real, effective and saved) and stops
        itself (SIGSTOP): a stopped holder that is neither root's nor of
        the folder's group.  STATE and RELEASE as for hold; continued,
        the child exits 0.

    locks.py reader DIR STATE RELEASE -- CMD...
        Run CMD with its stdout a pipe of 4 KiB that nobody reads (a
        pager that waits for its user).  After 1.5 s write
        "blocked yes|no" (CMD still runs: its output filled the pipe)
        and "locks N" (locks held on DIR or files in it, by anyone) to
        STATE.
        Once RELEASE exists, read the pipe to its end, wait for CMD and
        append "exit N".
"""
import ctypes
import fcntl
import os
import platform
import signal
import sys
import time

PTRACE_TRACEME = 0
PTRACE_DETACH = 17
PTRACE_GETREGS = 12
PTRACE_SYSCALL = 24
PTRACE_SETOPTIONS = 0x4200
PTRACE_O_TRACESYSGOOD = 1
SYS_FCNTL = 72          # x86_64
SYS_FLOCK = 73
F_SETPIPE_SZ = 1031
ENOSYS = 38

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p,
                        ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


class Regs(ctypes.Structure):
    """struct user_regs_struct of x86_64."""
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi "
        "orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()]


def ptrace(req, pid, data=0):
    if libc.ptrace(req, pid, None, ctypes.c_void_p(data)) == -1:
        e = ctypes.get_errno()
        raise OSError(e, "ptrace %d: %s" % (req, os.strerror(e)))


def inodes(folder):
    """(dev, ino) of folder itself and of every file under it, now: the
    lock of the audit chain is on the audit file's folder (which a
    rotation's rename leaves in place), so a lock on the folder is a
    lock in it too."""
    out = {}
    try:
        st = os.stat(folder)
        out[(st.st_dev, st.st_ino)] = folder
    except OSError:
        pass
    for top, dirs, files in os.walk(folder):
        for name in files + dirs:
            path = os.path.join(top, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            out[(st.st_dev, st.st_ino)] = path
    return out


def holds_write_lock(pid, fd, folder):
    """The path when pid holds a write lock through fd on a file in
    folder (fdinfo shows flock, POSIX and OFD locks alike), else None."""
    try:
        st = os.stat("/proc/%d/fd/%d" % (pid, fd))
        with open("/proc/%d/fdinfo/%d" % (pid, fd)) as f:
            info = f.read()
    except OSError:
        return None
    path = inodes(folder).get((st.st_dev, st.st_ino))
    if path is None:
        return None
    for line in info.splitlines():
        if line.startswith("lock:") and " WRITE " in line:
            return path
    return None


def write_state(state, text):
    with open(state + ".new", "w") as f:
        f.write(text + "\n")
    os.rename(state + ".new", state)


def append_state(state, text):
    with open(state, "a") as f:
        f.write(text + "\n")


def status_of(st):
    code = os.waitstatus_to_exitcode(st)
    return 128 - code if code < 0 else code


def wait_release(release, secs=120):
    end = time.monotonic() + secs
    while not os.path.exists(release) and time.monotonic() < end:
        time.sleep(0.05)


def spawn_traced(argv):
    pid = os.fork()
    if pid == 0:
        try:
            ptrace(PTRACE_TRACEME, 0)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, st = os.waitpid(pid, 0)          # the SIGTRAP of the exec
    if not os.WIFSTOPPED(st):
        return pid, status_of(st)
    ptrace(PTRACE_SETOPTIONS, pid, PTRACE_O_TRACESYSGOOD)
    return pid, None


def trace_until_lock(pid, folder):
    """Step CMD from syscall to syscall; (path, None) once it holds a
    write lock in folder (CMD then stopped and detached), or (None,
    status) when it ended first."""
    sig = 0
    regs = Regs()
    while True:
        ptrace(PTRACE_SYSCALL, pid, sig)
        _, st = os.waitpid(pid, 0)
        if os.WIFEXITED(st) or os.WIFSIGNALED(st):
            return None, status_of(st)
        stop = os.WSTOPSIG(st)
        sig = 0
        if stop != signal.SIGTRAP | 0x80:
            # a signal for CMD: pass it on (not the exec's SIGTRAP)
            sig = 0 if stop == signal.SIGTRAP else stop
            continue
        libc.ptrace(PTRACE_GETREGS, pid, None, ctypes.byref(regs))
        ret = ctypes.c_longlong(regs.rax).value
        if ret == -ENOSYS or regs.orig_rax not in (SYS_FCNTL, SYS_FLOCK) \
                or ret != 0:
            continue                    # an entry, or not a lock taken
        path = holds_write_lock(pid, regs.rdi, folder)
        if path is not None:
            ptrace(PTRACE_DETACH, pid, signal.SIGSTOP)
            return path, None


def hold(folder, state, release, argv):
    if platform.machine() != "x86_64":
        write_state(state, "never unsupported-machine")
        return 1
    pid, status = spawn_traced(argv)
    path = None
    if status is None:
        path, status = trace_until_lock(pid, folder)
    if path is None:
        write_state(state, "never %d" % status)
        return 1
    write_state(state, "held %d %s" % (pid, path))
    wait_release(release)
    os.kill(pid, signal.SIGCONT)
    _, st = os.waitpid(pid, 0)
    append_state(state, "exit %d" % status_of(st))
    return 0


def drop(folder, state, release, argv):
    uid, gid = int(argv[0]), int(argv[1])
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            os.kill(os.getpid(), signal.SIGSTOP)
            os._exit(0)
        finally:
            os._exit(127)
    _, st = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(st):
        write_state(state, "never %d" % status_of(st))
        return 1
    write_state(state, "held %d %s" % (pid, folder))
    wait_release(release)
    os.kill(pid, signal.SIGCONT)
    _, st = os.waitpid(pid, 0)
    append_state(state, "exit %d" % status_of(st))
    return 0


def locks_in(folder):
    """Locks in /proc/locks on files under folder."""
    want = {(os.major(d), os.minor(d), i) for d, i in inodes(folder)}
    n = 0
    with open("/proc/locks") as f:
        for line in f:
            fields = line.split()
            dev = [x for x in fields if x.count(":") == 2]
            if not dev:
                continue
            maj, mnr, ino = dev[0].split(":")
            if (int(maj, 16), int(mnr, 16), int(ino)) in want:
                n += 1
    return n


def reader(folder, state, release, argv):
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(w, 1)
            os.close(r)
            os.close(w)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    os.close(w)
    time.sleep(1.5)
    done, st = os.waitpid(pid, os.WNOHANG)
    write_state(state, "blocked %s\nlocks %d" %
                ("no" if done else "yes", locks_in(folder)))
    wait_release(release)
    while os.read(r, 65536):
        pass
    if not done:
        _, st = os.waitpid(pid, 0)
    append_state(state, "exit %d" % status_of(st))
    return 0


def main(argv):
    runs = {"hold": hold, "drop": drop, "reader": reader}
    if len(argv) < 6 or argv[4] != "--" or argv[0] not in runs:
        sys.stderr.write(__doc__)
        return 2
    run = runs[argv[0]]
    return run(argv[1], argv[2], argv[3], argv[5:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
