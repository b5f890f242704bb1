"""The naive LangChain pipeline every figure is compared with.

RecursiveCharacterTextSplitter (1000/200) over the raw corpus files, the same MiniLM embedder,
dense top-4 from LangChain's in-memory vector store, answer = the top chunks. No cleaning, no
sections, no BM25, no rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.embedder import Embedder
from ingest.loader import slugify


class EmbeddingsAdapter(Embeddings):
    """Our embedder behind LangChain's `Embeddings` interface."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0].tolist()


@dataclass(frozen=True)
class BaselineHit:
    doc_id: str
    start: int  # offsets into the raw file text
    end: int
    text: str
    score: float


class NaiveRAG:
    def __init__(
        self, corpus_dir: Path, embedder: Embedder, chunk_size: int = 1000, overlap: int = 200
    ) -> None:
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size, chunk_overlap=overlap, add_start_index=True
        )
        docs = [
            LCDocument(
                page_content=p.read_text(encoding="utf-8"), metadata={"doc_id": slugify(p.stem)}
            )
            for p in sorted(corpus_dir.glob("*.txt"))
        ]
        self.raw = {d.metadata["doc_id"]: d.page_content for d in docs}
        self.chunks = splitter.split_documents(docs)
        self.store = InMemoryVectorStore(EmbeddingsAdapter(embedder))
        self.store.add_documents(self.chunks)

    def retrieve(self, question: str, k: int = 4) -> list[BaselineHit]:
        hits = []
        for doc, score in self.store.similarity_search_with_score(question, k=k):
            start = int(doc.metadata.get("start_index", -1))
            hits.append(
                BaselineHit(
                    doc.metadata["doc_id"],
                    start,
                    start + len(doc.page_content),
                    doc.page_content,
                    float(score),
                )
            )
        return hits
