"""`make bench`: measure the bot on this machine and write BENCHMARKS.md."""
