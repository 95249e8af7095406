"""Model choice: any OpenAI-compatible endpoint when configured, else the offline planner.

The tool schemas given to an LLM are the registry's own input models, so the LLM, the planner and
MCP clients all see one definition of every tool.
"""
from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from agent.planner.embedding import planner_classifier
from agent.planner.model import OfflinePlanner
from memory.settings import Settings
from tools.registry import load_tools
from tools.toolset import TOOL_NAMES


def tool_schemas() -> list[dict[str, Any]]:
    """OpenAI function-calling schemas for every registered tool."""
    return [
        {"type": "function", "function": {"name": spec.name, "description": spec.description, "parameters": spec.input_model.model_json_schema()}}
        for spec in load_tools().values()
    ]


def offline_planner(settings: Settings | None = None) -> BaseChatModel:
    """The planner; with settings, its intent classifier also uses the configured sentence embeddings."""
    classifier = planner_classifier(settings) if settings is not None else None
    return OfflinePlanner(classifier=classifier).bind_tools(list(TOOL_NAMES))  # names only: tool modules load on first use


def llm_model(settings: Settings) -> BaseChatModel | None:
    """ChatOpenAI bound to the tools, or None when no endpoint is configured."""
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        model=settings.llm_model or "gpt-4o-mini",
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed",
        timeout=settings.llm_timeout_s,
        max_retries=1,
        temperature=0,
    )
    return llm.bind_tools(tool_schemas())  # type: ignore[return-value]


def endpoint_label(settings: Settings) -> str:
    """Where the LLM lives, for notes: the host only, never a key or a path with tokens."""
    from urllib.parse import urlparse

    url = urlparse(settings.llm_base_url or "https://api.openai.com")
    return url.hostname or "the LLM endpoint"
