"""Duplicate matching: field comparisons, a Fellegi-Sunter scoring model, bulk CSV matching."""
