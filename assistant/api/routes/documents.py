"""GET /api/documents and /api/documents/{doc_id}: the texts citations index into."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.errors import APIError
from assistant.api.schemas import DocumentDetail, DocumentSummary, ErrorBody
from assistant.api.state import AdvisorDep
from assistant.core.types import Document

router = APIRouter(prefix="/api/documents", tags=["documents"])


def _summary(doc: Document, chunks: int) -> dict[str, object]:
    m = doc.meta
    return {
        "doc_id": m.doc_id,
        "title": m.title,
        "kind": m.kind,
        "stance": m.stance,
        "commercial_interest": m.commercial_interest,
        "publisher": m.publisher,
        "author": m.author,
        "chunks": chunks,
    }


@router.get("", response_model=list[DocumentSummary])
async def list_documents(advisor: AdvisorDep) -> list[DocumentSummary]:
    """Every document in the index, with its kind, stance and chunk count."""
    entries = advisor.index.manifest.documents
    return [
        DocumentSummary.model_validate(_summary(d, entries[k].chunks if k in entries else 0))
        for k, d in sorted(advisor.index.documents.items())
    ]


@router.get("/{doc_id}", response_model=DocumentDetail, responses={404: {"model": ErrorBody}})
async def get_document(doc_id: str, advisor: AdvisorDep) -> DocumentDetail:
    """The canonical text and metadata of one document (citation offsets index into `text`)."""
    doc = advisor.index.documents.get(doc_id)
    if doc is None:
        raise APIError(404, f"no document {doc_id!r}", "see GET /api/documents")
    entry = advisor.index.manifest.documents.get(doc_id)
    return DocumentDetail.model_validate(
        {
            **_summary(doc, entry.chunks if entry else 0),
            "text": doc.text,
            "topics": doc.meta.topics,
            "note": doc.meta.note,
        }
    )
