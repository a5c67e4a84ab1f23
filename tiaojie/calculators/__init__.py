"""Settlement calculators (docs/law.md §7): pure functions over Decimal and dates, no Django.

Use `calculate(name, data)` (registry.py) from every front end; `CALCULATORS` describes the inputs.
"""

from .core import CalculatorInputError, Result, Step
from .registry import CALCULATORS, calculate, metadata

__all__ = ["CALCULATORS", "CalculatorInputError", "Result", "Step", "calculate", "metadata"]
