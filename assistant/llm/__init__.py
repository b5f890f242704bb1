"""Language-model answers behind the guard: a model may improve the prose, never the advice.

- `backends`: the chat model for `local`, `openai:MODEL`, `ollama:MODEL` (`grounded` has none);
- `llamacpp`: the in-process llama.cpp chat model for the bundled SmolLM2 GGUF;
- `prompt`: numbered sources, the rules' verdict as a fixed fact; the follow-up condenser;
- `chain`: retriever → prompt → model → guard as LangChain runnables, streaming;
- `guard`, `stance`, `answer`: pure checks and assembly, shared with the evals;
- `deadline`, `similarity`: stall timeouts and batched embedding similarity;
- `run`: the Advisor's model path, from retrieved evidence to the final Answer.
"""
