"""A loopback server that speaks Ollama's chat API (`POST /api/chat`, NDJSON streaming) and
answers with the bundled SmolLM2 GGUF through llama-cpp-python.

Why a shim: the Ollama daemon is a Go binary that no package index reachable here ships (PyPI's
`ollama` is only the client). This keeps everything else real for the `ollama:` backend: the
real `ChatOllama` and `ollama` client, real HTTP on 127.0.0.1, real streaming, a real model.
Only the parts of the protocol that `ChatOllama` uses are served.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI
from fastapi.responses import StreamingResponse


def _now() -> str:
    return datetime.now(UTC).isoformat()


def create_shim(model_path: Path, name: str = "smollm2") -> FastAPI:
    """The app; the model loads once, and one generation runs at a time (llama.cpp is not
    re-entrant)."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), n_ctx=4096, seed=0, verbose=False)
    lock = threading.Lock()
    app = FastAPI()
    app.state.requests = []  # what the client sent, for the tests to check

    def completion_kwargs(body: dict[str, Any]) -> dict[str, Any]:
        options = body.get("options") or {}
        limit = options.get("num_predict")
        return {
            "messages": [
                {"role": m.get("role", "user"), "content": m.get("content") or ""}
                for m in body.get("messages", [])
            ],
            "temperature": float(options.get("temperature", 0.8)),
            "seed": options.get("seed"),
            "max_tokens": None if limit in (None, -1) else int(limit),
        }

    def done(started: float, reason: str, count: int) -> dict[str, Any]:
        return {
            "model": name,
            "created_at": _now(),
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": reason,
            "total_duration": int((time.perf_counter() - started) * 1e9),
            "eval_count": count,
        }

    @app.get("/api/tags")
    def tags() -> dict[str, Any]:
        return {"models": [{"name": name, "model": name, "modified_at": _now(), "size": 0}]}

    @app.post("/api/chat", response_model=None)
    def chat(body: Annotated[dict[str, Any], Body()]) -> Any:
        app.state.requests.append(body)
        if body.get("model") != name:
            return StreamingResponse(
                iter([json.dumps({"error": f"model '{body.get('model')}' not found"})]),
                status_code=404,
                media_type="application/json",
            )
        kwargs = completion_kwargs(body)
        started = time.perf_counter()
        if not body.get("stream", True):
            with lock:
                out = llm.create_chat_completion(**kwargs)
            choice = out["choices"][0]
            return {
                **done(started, choice.get("finish_reason") or "stop", 0),
                "message": {"role": "assistant", "content": choice["message"]["content"]},
            }

        def lines() -> Iterator[str]:
            count = 0
            reason = "stop"
            with lock:
                for chunk in llm.create_chat_completion(**kwargs, stream=True):
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content")
                    reason = choice.get("finish_reason") or reason
                    if text:
                        count += 1
                        message = {"role": "assistant", "content": text}
                        yield (
                            json.dumps(
                                {
                                    "model": name,
                                    "created_at": _now(),
                                    "message": message,
                                    "done": False,
                                }
                            )
                            + "\n"
                        )
            yield json.dumps(done(started, reason, count)) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    return app
