"""apdoc: an ITU-T TSAG action plan as YAML data, validated and built into a TD."""

__version__ = "0.1.0"
