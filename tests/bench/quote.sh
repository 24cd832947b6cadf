#!/bin/sh
# tests/bench/quote.sh - quote sheets per second (offer_build + quote_write)
# beside the floor measured in the same run: a bare libxlsxwriter loop
# writing a workbook of the same shape (tests/bench/bench_quote.c).
# Fails when below 0.7 of the floor.
cd "$(dirname "$0")/../.." || exit 2
make -s --no-print-directory build/bench/bench_quote || exit 1
exec build/bench/bench_quote "$@"
