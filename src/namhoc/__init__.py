"""namhoc: the school-year steering cycle, from directive to figures."""

__version__ = "0.1.0"
