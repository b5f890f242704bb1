"""HTTP surface: FastAPI app serving the API and (later) the chat page."""
