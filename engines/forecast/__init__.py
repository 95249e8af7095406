"""Demand forecasting: history shaping, candidate models, rolling-origin selection, calibrated
intervals, peaks, launch curves for new products, and batch runs. Pure: arrays in, typed results out."""
