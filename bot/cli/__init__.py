"""The `salesbot` command line and what only it runs: process supervision, the benchmarks, the NLU evaluation."""
