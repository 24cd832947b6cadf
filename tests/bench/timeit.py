#!/usr/bin/python3
"""tests/bench/timeit.py - run a command, print "SECONDS MAXRSS_KB STATUS"
(wall time, the child's peak resident memory, its exit status).
Output of the command goes to /dev/null unless --keep FILE is given.

    timeit.py [--keep FILE] CMD [ARGS...]
"""
import os
import resource
import subprocess
import sys
import time

args = sys.argv[1:]
out = subprocess.DEVNULL
if len(args) > 2 and args[0] == "--keep":
    out = open(args[1], "wb")
    args = args[2:]
t0 = time.monotonic()
p = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT)
dt = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.3f %d %d" % (dt, rss, p.returncode))
