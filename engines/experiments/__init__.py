"""A/B tests of suggestion and search ranking: assignment, per-variant metrics, the always-valid
sequential test, the sample-ratio check and the sample size still needed (docs/experiments.md)."""
