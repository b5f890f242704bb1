"""The bundled MiniLM as an ONNX graph run by onnxruntime: the same vectors without torch.

`import sentence_transformers` alone takes about 6 s on this machine (torch, transformers,
scikit-learn), and a query embedding 15 ms through it. The same weights exported once to ONNX
(the transformer, mean pooling over the attention mask and L2 normalisation in one graph) and run
by onnxruntime, which chromadb already installs, with the model's own `tokenizers` tokenizer,
embed a query in about 8 ms and start in a fraction of a second.

`export` needs torch and the `onnx` package and runs once per model build (the file name holds
the weights' fingerprint); it checks parity against sentence-transformers on probe texts before
the file is kept. `OnnxEncoder` needs only onnxruntime, tokenizers and numpy.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Below this cosine to sentence-transformers an export is discarded (issue 19: ≥ 0.9999).
MIN_PARITY = 0.9999
# Texts the export is checked on: short and long, punctuation, non-ASCII, empty.
PARITY_PROBES = (
    "",
    "How long should research be?",
    "YOG 2019, 0 USCE, CK 238 — research or rotations first?? 😭",
    "Observerships are typically hands-off: you follow the team, but you do not write notes. " * 20,
    "Ünïcödé, ñ, 中文, عربى",
)


# Texts per run: on one thread smaller batches pad less (the ~500 answer-card phrasings: 2.8 s
# in batches of 8 or 16, 3.6 s in batches of 64; sentence-transformers 3.3–3.9 s).
BATCH = 16


def encoder_file(directory: Path, fingerprint: str) -> Path:
    """Where the export of the weights with this fingerprint lives (a new build, a new file)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in fingerprint)
    return directory / f"{safe}.onnx"


def weights_file(graph: Path) -> Path:
    """The weights an exported graph refers to, stored beside it."""
    return graph.with_name(graph.name + ".data")


def max_length_of(model_path: Path) -> int:
    """The model's own truncation length (sentence-transformers' `max_seq_length`)."""
    config = model_path / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 256  # all-MiniLM-L6-v2's


class OnnxEncoder:
    """Texts → unit vectors with the exported graph (thread-safe: onnxruntime sessions are)."""

    def __init__(self, onnx_path: Path, model_path: Path, threads: int = 1, dim: int = 384) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        # The file pads every text to 128 tokens; pad to the batch's longest instead, and cut
        # where sentence-transformers cuts.
        tokenizer.enable_truncation(max_length=max_length_of(model_path))
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self.dim = dim
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # one per request: see MiniLMEmbedder's threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
        """Unit vectors, one row per text, in the input's order. Many texts (ingest) run in
        batches of similar length (less padding); fewer than `batch_size` (a query's) one by
        one."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if len(texts) < batch_size:
            # A query's few texts differ in length, and padding the short ones to the longest
            # costs more than a run each (124 questions' texts: 1.08 s one by one, 1.30 s
            # batched).
            batch_size = 1
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[rows] = vectors
        return out


def export(model: Any, model_path: Path, target: Path) -> float:
    """Export a loaded SentenceTransformer to `target` and return its parity (the lowest cosine to
    the reference on PARITY_PROBES). Written to a temporary file first: the file appears whole,
    and only when parity holds, or not at all.

    Raises:
        RuntimeError: parity below MIN_PARITY, or the exporter failed (the message says why).
    """
    import torch

    class Pooled(torch.nn.Module):
        """Transformer → mean over real tokens → unit length, as sentence-transformers does."""

        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.transformer(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    import onnx

    target.parent.mkdir(parents=True, exist_ok=True)
    weights = weights_file(target)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as work:
        raw, staged = Path(work) / "raw.onnx", Path(work) / target.name
        graph = Pooled(model[0].auto_model).eval()
        example = torch.ones((2, 8), dtype=torch.long)
        batch_and_length = {0: "batch", 1: "tokens"}
        with torch.no_grad(), warnings.catch_warnings():
            # The exporter warns about negative gather indices; token ids never are, and the
            # parity check below would catch any difference.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                graph,
                (example, example),
                str(raw),
                input_names=["input_ids", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={
                    "input_ids": batch_and_length,
                    "attention_mask": batch_and_length,
                    "embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,  # the TorchScript exporter: no onnxscript needed
            )
        # The weights in a file of their own, which onnxruntime maps instead of copying: a
        # process holds 127 MB instead of 198 MB, and loads the session in 0.08 s, not 0.2 s.
        onnx.save_model(
            onnx.load(str(raw)),
            str(staged),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=weights.name,
            size_threshold=1024,
        )
        reference = model.encode(list(PARITY_PROBES), normalize_embeddings=True)
        exported = OnnxEncoder(staged, model_path).embed(PARITY_PROBES)
        parity = float(np.min(np.sum(reference * exported, axis=1)))
        if parity < MIN_PARITY:
            raise RuntimeError(f"the export's vectors differ (cosine {parity:.6f} < {MIN_PARITY})")
        # The graph last: a reader that sees it finds its weights beside it.
        for name in (weights.name, target.name):
            os.chmod(Path(work) / name, 0o644)  # ordinary files, like the index beside them
            os.replace(Path(work) / name, target.parent / name)
        return parity
