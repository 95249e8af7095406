"""Forecast tool: demand with intervals and a peak window, from history or from analog products."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from tools.base import ToolContext, ToolOutput
from tools.registry import not_available, register


class ForecastDemandInput(BaseModel):
    sku: str | None = Field(default=None, max_length=40, description="Stock code, e.g. '85123A'.")
    product: str | None = Field(default=None, max_length=200, description="Product name when the SKU is not known.")
    category: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000, description="A new product's description: forecast from analogs.")
    horizon: int = Field(default=12, ge=1, le=104, description="Periods ahead (weeks by default).")
    frequency: Literal["D", "W", "M"] = "W"
    country: str | None = Field(default=None, max_length=80)

    @model_validator(mode="after")
    def _something_to_forecast(self) -> "ForecastDemandInput":
        if not (self.sku or self.product or self.category or self.description):
            raise ValueError("name a sku, product, category or a new product's description")
        return self


@register("forecast_demand", engine="forecast", input_model=ForecastDemandInput, output_model=ToolOutput, description="""
Demand forecast with prediction intervals, peak window, time to peak and the model chosen (with its
backtest error), by SKU, product, category, or for a new product from analogs. Use for "forecast SKU 85123A for 12 weeks".
""")
def forecast_demand(inp: ForecastDemandInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("forecast", "forecast_demand")
