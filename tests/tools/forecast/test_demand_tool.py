"""The forecast tool on the real Online Retail data (loaded once per module into its own home)."""
from pathlib import Path

import pytest

from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.registry import load_tools, run_tool

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def rctx(tmp_path_factory) -> ToolContext:
    import os

    from tests.conftest import real_data_dir

    if real_data_dir() is None:
        pytest.skip("shared datasets not present")
    load_tools()
    home = tmp_path_factory.mktemp("forecast-home")
    settings = Settings(CAESER_HOME=home, CAESER_DATA_DIR=real_data_dir(), CAESER_DATABASE_URL=os.environ.get("CAESER_TEST_DATABASE_URL"),
                        CAESER_LLM_BASE_URL=None, CAESER_LLM_API_KEY=None, _env_file=None)
    return ToolContext(settings=settings, thread_id="forecast-test")


def test_sku_forecast_has_numbers_intervals_peak_model_and_chart(rctx):
    out = run_tool("forecast_demand", {"sku": "85123A", "horizon": 8}, rctx)
    d = out.data
    assert len(d.points) == 8 and all(p.lower <= p.forecast <= p.upper for p in d.points)
    assert d.points[0].period.isoformat() == "2011-12-05"  # the week after the last complete one
    assert d.backtest_mase is not None and d.weights and d.model
    assert d.peak.window_start <= d.peak.peak_period <= d.peak.window_end
    assert Path(out.charts[0].path).stat().st_size > 5000
    assert "85123A" in out.summary and "MASE" in out.summary
    assert d.year_before and f"The same weeks a year earlier sold {d.year_before:,.0f} units" in out.summary  # 2010-12-06 on: in the history


def test_category_and_monthly(rctx):
    out = run_tool("forecast_demand", {"category": "lunch bag", "horizon": 3, "frequency": "M"}, rctx)
    assert out.data.kind == "category" and len(out.data.points) == 3 and "products" in out.data.target


def test_unknown_country_is_refused_with_the_known_ones(rctx):
    with pytest.raises(ToolError) as err:
        run_tool("forecast_demand", {"sku": "85123A", "country": "Atlantis"}, rctx)
    assert err.value.code == "not_found" and "United Kingdom" in err.value.info.options


def test_unknown_sku_offers_close_matches(rctx):
    with pytest.raises(ToolError) as err:
        run_tool("forecast_demand", {"sku": "85123X"}, rctx)
    assert err.value.code == "not_found" and any("85123" in o for o in err.value.info.options)


@pytest.mark.parametrize("args, words", [({"sku": "85123A", "horizon": 0}, "horizon"), ({"sku": "85123A", "horizon": 300}, "two years"),
                                         ({"horizon": 4}, "name a sku")])
def test_bad_arguments_are_readable(rctx, args, words):
    with pytest.raises(ToolError) as err:
        run_tool("forecast_demand", args, rctx)
    assert err.value.code == "invalid_argument" and words in err.value.message


def _first(rctx, *where):
    from sqlmodel import Session, select

    from memory.db import get_engine
    from memory.tables import SalesProduct

    with Session(get_engine(rctx.settings)) as session:
        return session.exec(select(SalesProduct).where(*where).order_by(SalesProduct.total_quantity.desc())).first()


def test_returns_are_not_negative_demand(rctx):
    from sqlmodel import Session, select

    from memory import sales
    from memory.db import get_engine
    from memory.tables import SalesDay

    with Session(get_engine(rctx.settings)) as session:
        code = session.exec(select(SalesDay.stock_code).where(SalesDay.quantity < -100, SalesDay.source == sales.ONLINE_RETAIL,
                                                              SalesDay.stock_code.in_(["22423", "85123A", "47566", "21212"]))).first()
    out = run_tool("forecast_demand", {"sku": code, "horizon": 4}, rctx)
    assert all(p.lower >= 0 and p.forecast >= 0 for p in out.data.points)


@pytest.fixture
def small_analog_index(rctx, monkeypatch):
    """Index a few dozen best sellers only, so the embedding stays quick."""
    from datetime import date

    import memory.build.forecast as fb
    from memory import sales

    launched = [p for p in sales.all_products(rctx.settings) if p.first_day >= date(2011, 1, 1)]
    top = sorted(launched, key=lambda p: -p.total_quantity)[:40]
    monkeypatch.setattr(fb, "ANALOG_COLLECTION", "sales_skus_test")
    monkeypatch.setattr(fb.sales, "all_products", lambda settings: top)


def test_too_little_history_falls_back_to_analogs(rctx, small_analog_index):
    from datetime import date

    from memory.tables import SalesProduct

    young = _first(rctx, SalesProduct.first_day >= date(2011, 11, 1), SalesProduct.total_quantity > 100)
    out = run_tool("forecast_demand", {"sku": young.stock_code, "horizon": 6, "analog_floor": 0.0}, rctx)  # only 40 products indexed: analogs are weak
    d = out.data
    assert d.analogs and d.backtest_mase is None and any("Too little history" in n for n in d.notes)
    assert young.stock_code not in {a.stock_code for a in d.analogs}
    assert "Analogs: " in out.summary and "(cosine " in out.summary  # the reader sees what it was forecast from


def test_a_new_product_unlike_anything_sold_is_refused_with_the_closest(rctx, small_analog_index):
    with pytest.raises(ToolError) as err:
        run_tool("forecast_demand", {"product": "vegan protein bar", "horizon": 6}, rctx)
    assert err.value.code == "not_found" and "Nothing in the sales data is like 'vegan protein bar'" in str(err.value) and "cosine" in str(err.value)


def test_new_product_from_description_with_hype(rctx, small_analog_index):
    calm = run_tool("forecast_demand", {"description": "red retrospot jumbo storage bag", "horizon": 10}, rctx).data
    hot = run_tool("forecast_demand", {"description": "red retrospot jumbo storage bag", "horizon": 10, "hype": 90}, rctx).data
    assert calm.kind == "new_product" and calm.analogs and calm.bass and len(calm.points) == 10
    assert hot.total > calm.total


def test_a_new_product_is_dated_from_its_launch_not_the_analogs_years(rctx, small_analog_index):
    from datetime import date

    out = run_tool("forecast_demand", {"description": "red retrospot jumbo storage bag", "horizon": 6, "launch": "2027-04-01"}, rctx)
    periods = [p.period for p in out.data.points]
    assert periods[0] >= date(2027, 4, 1) and periods[0] < date(2027, 4, 8) and all(p.year == 2027 for p in periods)
    assert out.data.peak.peak_period.year == 2027 and "2027" in out.summary and any("shifted to it" in n for n in out.data.notes)


def test_launch_periods_start_on_or_after_the_launch() -> None:
    from datetime import date

    from tools.forecast.demand import launch_periods

    weekly = launch_periods(date(2027, 1, 1), "W", 3)  # a Friday: the first week starts the Monday after
    assert [d.date() for d in weekly] == [date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18)]
    assert [d.date() for d in launch_periods(date(2027, 4, 1), "M", 2)] == [date(2027, 4, 1), date(2027, 5, 1)]


def test_counts_and_one_period_peak_windows_read_naturally() -> None:
    from datetime import date

    from tools.forecast.demand import PeakInfo, peak_window
    from tools.formatting import counted

    assert counted(1, "week") == "1 week" and counted(3, "week") == "3 weeks"
    one = PeakInfo.model_construct(window_start=date(2012, 1, 9), window_end=date(2012, 1, 9))
    assert peak_window(one) == "9 Jan 2012"
    assert peak_window(PeakInfo.model_construct(window_start=date(2012, 1, 9), window_end=date(2012, 1, 23))) == "9–23 Jan 2012"
    assert peak_window(PeakInfo.model_construct(window_start=date(2026, 12, 28), window_end=date(2027, 1, 4))) == "28 Dec 2026–4 Jan 2027"


def test_a_market_is_the_sum_of_its_countries_with_sales(rctx):
    from memory import sales

    eu = run_tool("forecast_demand", {"sku": "85123A", "horizon": 4, "country": "Europe"}, rctx)
    note = next(n for n in eu.data.notes if n.startswith("Europe is the sum of"))
    assert "United Kingdom" in note and "EIRE" in note and "Australia" not in note
    uk = sales.daily_totals(rctx.settings, ["85123A"], ["United Kingdom"])["quantity"].sum()
    both = sales.daily_totals(rctx.settings, ["85123A"], ["United Kingdom", "EIRE"])["quantity"].sum()
    assert both > uk > 0
    with pytest.raises(ToolError, match="no sales recorded in 'Atlantis'"):
        run_tool("forecast_demand", {"sku": "85123A", "country": "Atlantis"}, rctx)


def test_the_total_has_its_range_and_a_poor_backtest_is_called_rough(rctx):
    """"How confident are you?": the total's 80% range is the per-week bounds added up, in the summary;
    a backtest MASE above 1 is said in plain words with the naive forecast's MASE at the same cut-offs."""
    d = (out := run_tool("forecast_demand", {"sku": "85123A", "horizon": 8}, rctx)).data
    assert d.total_low == pytest.approx(sum(p.lower for p in d.points), abs=0.5) and d.total_high == pytest.approx(sum(p.upper for p in d.points), abs=0.5)
    assert d.total_low < d.total < d.total_high and f"80% range {d.total_low:,.0f}–{d.total_high:,.0f}" in out.summary
    assert d.backtest_mase < 1 and "rough" not in out.summary
    poor = run_tool("forecast_demand", {"sku": "20668", "horizon": 4}, rctx)
    assert poor.data.backtest_mase > 1 and poor.data.baseline_mase is not None
    assert "Treat this number as rough" in poor.summary and f"MASE {poor.data.baseline_mase:.2f}" in poor.summary


def test_a_plural_name_is_the_group_and_a_full_name_the_product(rctx):
    """"christmas decorations" means the line: the matching products' summed sales, counted and named;
    "white hanging heart t-light holder" is still SKU 85123A alone."""
    from memory import sales

    group = run_tool("forecast_demand", {"product": "christmas decorations", "horizon": 4}, rctx)
    n = len(sales.products_matching(rctx.settings, "christmas decorations"))
    assert group.data.kind == "category" and n >= 3 and f"({n} products)" in group.data.target
    assert f"the summed sales of the {n} products" in group.summary and "DISCO BALL CHRISTMAS DECORATION" in group.summary
    one = run_tool("forecast_demand", {"product": "white hanging heart t-light holder", "horizon": 4}, rctx)
    assert one.data.kind == "product" and "85123A" in one.data.target


def test_names_group_needs_a_plural_several_matches_and_no_exact_name() -> None:
    from tools.forecast.demand import names_group

    three = ["STAR CHRISTMAS DECORATION", "DISCO BALL CHRISTMAS DECORATION", "WOODEN CHRISTMAS DECORATIONS"]
    assert names_group("christmas decorations", three)
    assert not names_group("christmas decoration", three)  # singular: the best seller
    assert not names_group("christmas decorations", three[:2])  # too few to be a line
    assert not names_group("wooden christmas decorations", three)  # names one product exactly
    assert not names_group("glass", ["GLASS JAR", "GLASS BOWL", "GLASS VASE"])  # -ss is not a plural


def test_a_few_months_of_sales_are_forecast_by_week_not_from_analogs(rctx):
    from datetime import date

    from memory.tables import SalesProduct

    young = _first(rctx, SalesProduct.first_day >= date(2011, 5, 1), SalesProduct.first_day < date(2011, 6, 1), SalesProduct.total_quantity > 500)
    d = run_tool("forecast_demand", {"sku": young.stock_code, "horizon": 4, "frequency": "M"}, rctx).data
    assert d.frequency == "W" and d.horizon == 18 and not d.analogs and d.backtest_mase is not None
    assert d.points[0].period > date(2011, 12, 1)  # after its last sale, not dated from today
    assert any(n.startswith("Only ") and "too few for a monthly model" in n and "18 weeks" in n for n in d.notes)
