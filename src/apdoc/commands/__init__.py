"""The editor's commands around the pipeline: fmt, new, diff, stats, watch."""
