"""The LLM coder: articles coded by a model behind any OpenAI-compatible endpoint.

prompts.py    versioned prompt templates (prompts/) and their hashes
response.py   the response contract the model must fill (instructor response_model)
grounding.py  quotes -> evidence spans, dates recomputed, places geocoded, flags
chunking.py   long articles split into overlapping chunks; events merged back
client.py     instructor + openai, rate limits, backoff, usage accounting
runner.py     concurrent coding of a store's articles, cache and resume
batch.py      OpenAI Batch API export/import
pricing.py    token estimates and the price table
"""

CODER_NAME = "llm"
CODER_VERSION = "0.1.0"
