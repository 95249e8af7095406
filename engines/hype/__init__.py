"""Hype engine: posts, sentiment, metrics, score, anomalies and watch rules (pure: data in, typed results out)."""
