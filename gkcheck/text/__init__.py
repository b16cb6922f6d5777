"""Text helpers for Chinese government documents (normalisation, dates, work days,
time limits, legal citations). Pure functions, no I/O."""
