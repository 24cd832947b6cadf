#!/bin/sh
# poll-kill.sh - the long variant of tests/integration/poll-faults.sh:
# 2,000 messages, "run" killed with SIGKILL at 20 points, then Dovecot
# killed mid-fetch and a new UIDVALIDITY (SOAK_N and SOAK_KILLS override).
FAULT_N=${SOAK_N:-2000} FAULT_KILLS=${SOAK_KILLS:-20} \
    exec "$(dirname "$0")/../integration/poll-faults.sh"
