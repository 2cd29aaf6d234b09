"""The plan: YAML files read with their positions, modelled, checked — the one input of the pipeline."""

from .load import Plan, load_plan

__all__ = ["Plan", "load_plan"]
