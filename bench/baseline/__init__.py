"""A trivial snippet for the benchmark's baseline; installed only by config.settings.bench."""
