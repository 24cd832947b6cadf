"""reaper.py RCFILE CMD [ARG...] - run a daemon under a reaper of its own.

Runs CMD (a daemon that forks into the background and exits) as a Linux
child subreaper, writes CMD's exit status to RCFILE, then waits for every
process the daemon leaves behind and reaps each the moment it exits.
Exits when none is left.

Why: a process killed with SIGKILL is a zombie until its parent waits
for it.  Dovecot's children, orphaned when the master is killed, go to
the machine's init, and not every init waits (a container's first process
often does not).  A zombie's PID still answers kill(pid, 0), so Dovecot
takes the dot-lock the killed process held (dovecot-uidlist.lock) for a
live one and waits the full two minutes of its stale timeout before the
next SELECT or APPEND.  Under this reaper the PID is gone at once, as it
is under a real init, and Dovecot breaks the stale lock immediately.
"""
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: reaper.py RCFILE CMD [ARG...]")
    rcfile, cmd = sys.argv[1], sys.argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("reaper.py: prctl(PR_SET_CHILD_SUBREAPER): %s"
              % os.strerror(ctypes.get_errno()), file=sys.stderr)
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    tmp = rcfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.waitstatus_to_exitcode(status))
    os.rename(tmp, rcfile)
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue


if __name__ == "__main__":
    main()
