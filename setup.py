"""Packaging beyond what pyproject.toml can say: the look of the TD lives in templates/ at the top
of the repository (beside plan/, schema/, src/) and ships inside the wheel as apdoc/templates/,
so that a `pip install .` builds every format with no checkout at hand (apdoc.defaults finds it)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "apdoc.templates"],
    package_dir={"": "src", "apdoc.templates": "templates"},
    package_data={"apdoc.templates": ["*"]},  # every file of the look: templates, CSS, Word parts
)
