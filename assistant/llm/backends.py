"""Answer backends chosen by a string: `grounded`, `local`, `openai:MODEL`, `ollama:MODEL`.

Each model backend is a LangChain chat model built from the settings, greedy (temperature 0)
for reproducible answers, with client-side retries off: the chain retries at most once itself,
so a dead endpoint costs two attempts, not the client library's default of three.
Heavy imports happen inside, so a grounded-only install never loads them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from assistant.core.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

KINDS = ("grounded", "local", "openai", "ollama")
USAGE = "grounded | local | openai:MODEL | ollama:MODEL"


class BackendError(ValueError):
    """The backend string is not one this project knows; the message lists the valid ones."""


class BackendNotAllowed(BackendError):
    """A valid backend string that this server does not let requests choose
    (`ADVISOR_ALLOWED_LLMS`); the message lists the ones it does."""


class BackendUnavailable(RuntimeError):
    """A known backend cannot be built here (package missing, setting unset): the message says
    what to install or set."""


@dataclass(frozen=True)
class Backend:
    """A parsed backend string."""

    kind: str
    model: str | None = None

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.model}" if self.model else self.kind

    @property
    def uses_model(self) -> bool:
        return self.kind != "grounded"


LOCAL_TAKES_NO_MODEL = "the local backend takes no model name; set ADVISOR_LLM_MODEL_PATH"


def parse_backend(spec: str | None) -> Backend:
    """Parse `grounded`, `local`, `openai:MODEL` or `ollama:MODEL`.

    `local` takes no model part: its GGUF file comes only from the settings
    (`ADVISOR_LLM_MODEL_PATH`) or the bundled model, never from a string a client can send.

    Raises:
        BackendError: anything else.
    """
    text = (spec or "grounded").strip()
    kind, _, model = text.partition(":")
    kind, model = kind.strip().lower(), model.strip()
    if kind not in KINDS:
        raise BackendError(f"unknown answer backend {text!r}: use {USAGE}")
    if kind in ("openai", "ollama") and not model:
        raise BackendError(f"backend {kind!r} needs a model name: {kind}:MODEL")
    if kind == "grounded" and model:
        raise BackendError("the grounded backend takes no model name")
    if kind == "local" and (model or ":" in text):
        raise BackendError(LOCAL_TAKES_NO_MODEL)
    return Backend(kind, model or None)


def allowed_backends(settings: Settings) -> frozenset[str]:
    """Names of the backends a request may choose: `grounded`, the configured `llm`, and every
    entry of `allowed_llms`.

    Raises:
        BackendError: an `allowed_llms` entry is not a backend string (an invalid `llm` is
            left out here: requests that rely on it get the parse error, as before).
    """
    names = {"grounded"}
    with contextlib.suppress(BackendError):
        names.add(parse_backend(settings.llm).name)
    for spec in settings.allowed_llms:
        try:
            names.add(parse_backend(spec).name)
        except BackendError as exc:
            raise BackendError(f"ADVISOR_ALLOWED_LLMS entry {spec!r}: {exc}") from None
    return frozenset(names)


def check_allowed(backend: Backend, allowed: frozenset[str]) -> Backend:
    """`backend`, if its name is in `allowed`.

    Raises:
        BackendNotAllowed: it is not; the message names the allowed values.
    """
    if backend.name not in allowed:
        raise BackendNotAllowed(
            f"backend {backend.name!r} is not enabled on this server; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    return backend


def chat_model(backend: Backend, settings: Settings) -> BaseChatModel:
    """Build the LangChain chat model of a backend.

    Args:
        backend: A parsed backend (not `grounded`).
        settings: Endpoint URLs, key, timeout and token limit.

    Returns:
        A chat model; nothing is contacted or loaded until its first call.

    Raises:
        BackendUnavailable: the backend's package is missing or a required setting is unset.
    """
    if backend.kind == "local":
        return _local(backend, settings)
    if backend.kind == "openai":
        return _openai(backend, settings)
    if backend.kind == "ollama":
        return _ollama(backend, settings)
    raise BackendUnavailable(f"backend {backend.name!r} has no chat model")


def _local(backend: Backend, settings: Settings) -> BaseChatModel:
    from assistant.llm.llamacpp import LlamaCppChatModel, LocalModelMissing, bundled_gguf

    try:
        # From the settings or the bundled package only: never from the backend string.
        path = settings.llm_model_path or bundled_gguf()
    except LocalModelMissing as exc:
        raise BackendUnavailable(str(exc)) from None
    return LlamaCppChatModel(
        model_path=str(path),
        n_ctx=settings.llm_context_tokens,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
    )


def _openai(backend: Backend, settings: Settings) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise BackendUnavailable(
            "the openai backend needs langchain-openai: pip install langchain-openai"
        ) from None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if not key and not settings.llm_base_url:
        raise BackendUnavailable(
            "the openai backend needs ADVISOR_LLM_API_KEY (api.openai.com) or "
            "ADVISOR_LLM_BASE_URL (a local OpenAI-compatible server)"
        )
    extra: dict[str, Any] = {}
    if settings.llm_base_url:
        # langchain-openai sends `max_completion_tokens`, which llama.cpp server, older vLLM and
        # LM Studio ignore (they read `max_tokens`): without this they generate until the
        # context is full.
        extra["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return ChatOpenAI(
        model=backend.model or "",
        base_url=settings.llm_base_url,
        # Local servers accept any key, but the client refuses to start without one.
        api_key=SecretStr(key or "not-needed"),
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        seed=0,
        **extra,
    )


def _ollama(backend: Backend, settings: Settings) -> BaseChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError:
        raise BackendUnavailable(
            "the ollama backend needs langchain-ollama: pip install langchain-ollama"
        ) from None
    return ChatOllama(
        model=backend.model or "",
        base_url=settings.ollama_url,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        seed=0,
        client_kwargs={"timeout": settings.llm_timeout_s},
    )
