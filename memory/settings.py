"""One settings object for every variable in DESIGN.md.

Secrets are `SecretStr` so that a repr, a log line or an error message never shows them.
Values come from the environment, then `.env` in the working directory.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(RuntimeError):
    """A setting that cannot work as given; the message names the setting and what to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    home: Path = Field(default=Path("var"), alias="CAESER_HOME", description="State: SQLite file, Chroma dir, built models, charts.")
    data_dir: Path = Field(default=Path("data"), alias="CAESER_DATA_DIR", description="Datasets (see `caeser data list`).")
    database_url: str | None = Field(default=None, alias="CAESER_DATABASE_URL", description="SQLAlchemy URL; unset = SQLite in CAESER_HOME.")
    chroma_url: str | None = Field(default=None, alias="CAESER_CHROMA_URL", description="Chroma server URL; unset = embedded store in CAESER_HOME.")
    embedding_model: str = Field(default="sentence-transformers/all-MiniLM-L6-v2", alias="CAESER_EMBEDDING_MODEL", description="sentence-transformers model name or path; the project's own model is used when it can't load.")
    llm_model: str | None = Field(default=None, alias="CAESER_LLM_MODEL", description="Chat model name at the OpenAI-compatible endpoint.")
    llm_base_url: str | None = Field(default=None, alias="CAESER_LLM_BASE_URL", description="OpenAI-compatible base URL; unset = offline planner.")
    llm_api_key: SecretStr | None = Field(default=None, alias="CAESER_LLM_API_KEY")
    llm_timeout_s: float = Field(default=30.0, alias="CAESER_LLM_TIMEOUT_S", description="Seconds before an LLM call is abandoned for the offline planner.")
    qloo_api_key: SecretStr | None = Field(default=None, alias="QLOO_API_KEY")
    qloo_base_url: str = Field(default="https://hackathon.api.qloo.com", alias="QLOO_BASE_URL")
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    discord_bot_token: SecretStr | None = Field(default=None, alias="DISCORD_BOT_TOKEN")
    discord_api_url: str = Field(default="https://discord.com/api/v10", alias="DISCORD_API_URL", description="Discord REST base URL (tests point it at a local recorder).")
    mcp_tokens: SecretStr | None = Field(default=None, alias="CAESER_MCP_TOKENS", description="Comma-separated bearer tokens for MCP over HTTP.")
    alert_webhooks: str | None = Field(default=None, alias="CAESER_ALERT_WEBHOOKS", description="Comma-separated webhooks for hype alerts, `name=https://…` or a URL; users name them as `webhook:name`.")
    webhook_hosts: str | None = Field(default=None, alias="CAESER_WEBHOOK_HOSTS", description="Comma-separated hosts (`*.example.com` for subdomains) users may point https webhooks at.")
    webhook_private_nets: str | None = Field(default=None, alias="CAESER_WEBHOOK_PRIVATE_NETS", description="Comma-separated non-public networks webhooks may reach (e.g. an in-VPC receiver); default none.")
    api_keys: SecretStr | None = Field(default=None, alias="CAESER_API_KEYS", description="Comma-separated storefront API keys, `KEY` or `KEY=TENANT` (bots/api/keys.py).")
    autobuild: bool = Field(default=True, alias="CAESER_AUTOBUILD", description="Build what a tool needs in the background on first use and when a server starts (0 = only `caeser build`).")
    web_tokens: SecretStr | None = Field(default=None, alias="CAESER_WEB_TOKENS", description="Dashboard sign-in: comma-separated `token=owner` pairs, e.g. `s3cret…=slack:T0123` (bots/web/auth.py).")
    web_url: str | None = Field(default=None, alias="CAESER_WEB_URL", description="Where the dashboard is reachable: the Slack Home tab links it.")
    # scheduled reports (docs/schedules.md)
    smtp_url: SecretStr | None = Field(default=None, alias="CAESER_SMTP_URL", description="SMTP server for report emails: smtp://user:pass@host:587 (STARTTLS), smtps://…:465 (TLS), smtp+plain://host:25 (local relays only).")
    smtp_from: str | None = Field(default=None, alias="CAESER_SMTP_FROM", description="From address of report emails.")
    user_email: str | None = Field(default=None, alias="CAESER_USER_EMAIL", description="Where 'email me' sends from the terminal chat (the CLI user's address).")
    google_service_account_json: SecretStr | None = Field(default=None, alias="CAESER_GOOGLE_SERVICE_ACCOUNT_JSON", description="Google service-account key (the JSON itself or a path to it) for Sheets.")
    sheets_api_url: str = Field(default="https://sheets.googleapis.com/", alias="CAESER_SHEETS_API_URL", description="Google Sheets API base URL (tests point it at a local stand-in).")
    webhook_secret: SecretStr | None = Field(default=None, alias="CAESER_WEBHOOK_SECRET", description="Signs webhook bodies (X-Caeser-Signature: HMAC-SHA256); unset = unsigned.")

    @property
    def sqlite_path(self) -> Path:
        return self.home / "caeser.sqlite"

    @property
    def sql_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def is_postgres(self) -> bool:
        return self.sql_url.startswith("postgresql")

    @property
    def charts_dir(self) -> Path:
        return self.home / "charts"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    def ensure_home(self) -> None:
        for path in (self.home, self.charts_dir, self.exports_dir, self.models_dir):
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a file in the way, no permission, a read-only disk
                why = "a file of that name is in the way" if path.is_file() else exc.strerror or str(exc)
                raise ConfigError(f"CAESER_HOME={self.home}: cannot create the folder {path} ({why}); point CAESER_HOME at a writable folder") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings(...)` instead."""
    return Settings()
