"""Every tool's name and the module that registers it, in the order users see them.

WHY a table rather than imports: a turn needs only the tools it calls, and importing all tool
modules (and the engines, scipy, matplotlib and scikit-learn behind them) costs about two seconds in
every new process; `tools.registry` imports a module the first time one of its tools is asked for.
`tests/tools/test_registry.py` checks this table against what the modules register.
"""
TOOL_MODULES: dict[str, str] = {
    "audience_affinity": "tools.affinity",
    "compare_audiences": "tools.affinity",
    "hype_score": "tools.hype",
    "watch_hype": "tools.hype_watch",
    "list_watches": "tools.hype_watch",
    "forecast_demand": "tools.forecast",
    "simulate_launch": "tools.persona",
    "build_personas": "tools.persona",
    "suggest_queries": "tools.cadence",
    "search_products": "tools.cadence",
    "record_engagement": "tools.cadence",
    "analyze_launch": "tools.launch",
    "export_report": "tools.reports",
    "manage_data": "tools.own_data",
    "schedule_report": "tools.schedule_report",
    "start_experiment": "tools.experiments",
    "experiment_results": "tools.experiments",
    "stop_experiment": "tools.experiments",
    "shopper_analytics": "tools.shopper_analytics",
}
TOOL_NAMES: tuple[str, ...] = tuple(TOOL_MODULES)
