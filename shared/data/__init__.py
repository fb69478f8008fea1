"""Data files shipped with the shared package (the sample service-item catalog)."""
