"""Every tool's name and the module that registers it, in the order users see them.

WHY a table rather than imports: a turn needs only the tools it calls, and importing all tool
modules (and the engines, scipy, matplotlib and scikit-learn behind them) costs about two seconds in
every new process; `tools.registry` imports a module the first time one of its tools is asked for.
`tests/tools/test_registry.py` checks this table against what the modules register.
"""
TOOL_MODULES: dict[str, str] = {
    "audience_affinity": "tools.affinity.audience",
    "compare_audiences": "tools.affinity.audience",
    "hype_score": "tools.hype.score",
    "watch_hype": "tools.hype.watch",
    "list_watches": "tools.hype.watch",
    "forecast_demand": "tools.forecast.demand",
    "simulate_launch": "tools.persona.personas",
    "build_personas": "tools.persona.personas",
    "suggest_queries": "tools.cadence.suggest",
    "search_products": "tools.cadence.suggest",
    "record_engagement": "tools.cadence.suggest",
    "analyze_launch": "tools.launch.analyze",
    "export_report": "tools.reports.export",
    "manage_data": "tools.data.own_data",
    "schedule_report": "tools.reports.schedule",
    "start_experiment": "tools.experiments.ab_tests",
    "experiment_results": "tools.experiments.ab_tests",
    "stop_experiment": "tools.experiments.ab_tests",
    "shopper_analytics": "tools.experiments.shopper_analytics",
}
TOOL_NAMES: tuple[str, ...] = tuple(TOOL_MODULES)
