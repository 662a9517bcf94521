"""Versioned prompt templates (prompts/vN/) rendered into chat messages, and their hashes.

The hash covers everything that shapes the model's answer apart from the article: the
rendered system prompt, the few-shot examples, the article template and the response
schema. It is stored with every event and run, so a row can be traced to its exact prompt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from coder.codebook import INTER_NAMES, TAXONOMY
from coder.llm.response import ArticleEvents
from coder.models import Article

PROMPTS_DIR = Path(__file__).resolve().parent.parent.parent / "prompts"
_VERSION = re.compile(r"^v(\d+)$")
# The article sits between <article> tags; a text that contains the tags must not close them.
_TAG = re.compile(r"<(/?article)", re.IGNORECASE)

Message = dict[str, str]


class PromptError(Exception):
    """A prompt version is missing or broken."""


def versions() -> list[str]:
    """Prompt versions in prompts/, oldest first."""
    found = [p.name for p in PROMPTS_DIR.iterdir() if p.is_dir() and _VERSION.match(p.name)]
    return sorted(found, key=lambda name: int(name[1:]))


@dataclass(frozen=True)
class PromptTemplate:
    version: str
    system: str
    examples: tuple[Message, ...]  # user/assistant turns before the article
    user: Template
    user_source: str
    hash: str

    def messages(
        self, article: Article, text: str | None = None, part: int = 1, parts: int = 1
    ) -> list[Message]:
        """Chat messages for an article (or one chunk `text` of it)."""
        return [
            {"role": "system", "content": self.system},
            *self.examples,
            {"role": "user", "content": render_user(self.user, article, text, part, parts)},
        ]


def _published(date: dt.date | None) -> str:
    return f"{date.isoformat()} ({date:%A})" if date else "unknown"


def render_user(template: Template, article: Article, text: str | None, part: int, parts: int) -> str:
    body = article.text if text is None else text
    return template.render(
        outlet=article.outlet,
        published=_published(article.published),
        language=article.language,
        text=_TAG.sub(r"‹\1", body),
        part=part,
        parts=parts,
    )


def _codebook(folder: Path) -> dict[str, dict[str, str]]:
    meanings: dict[str, dict[str, str]] = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    for event_type, subs in TAXONOMY.items():
        missing = [s for s in subs if s not in meanings.get(event_type, {})]
        if missing:
            raise PromptError(f"{folder}/codebook.json lacks {event_type}: {', '.join(missing)}")
    return {e: {s: meanings[e][s] for s in subs} for e, subs in TAXONOMY.items()}


@cache
def load(version: str | None = None) -> PromptTemplate:
    """A prompt version (default: the newest)."""
    known = versions()
    version = version or (known[-1] if known else None)
    if version not in known:
        raise PromptError(f"no prompt version {version!r} in {PROMPTS_DIR}; known: {', '.join(known)}")
    folder = PROMPTS_DIR / version
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)
    system = env.from_string((folder / "system.j2").read_text(encoding="utf-8")).render(
        taxonomy=_codebook(folder), inter_names=INTER_NAMES
    )
    user_source = (folder / "user.j2").read_text(encoding="utf-8")
    user = env.from_string(user_source)
    examples: list[Message] = []
    for example in json.loads((folder / "examples.json").read_text(encoding="utf-8")):
        a = example["article"]
        article = Article(
            id="example",
            text=a["text"],
            outlet=a["outlet"],
            language=a["language"],
            published=dt.date.fromisoformat(a["published"]),
        )
        answer = ArticleEvents.model_validate(example["answer"])  # examples obey the contract
        examples.append({"role": "user", "content": render_user(user, article, None, 1, 1)})
        examples.append({"role": "assistant", "content": answer.model_dump_json()})
    digest = hashlib.sha256()
    for part in (system, json.dumps(examples, ensure_ascii=False), user_source):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    digest.update(json.dumps(ArticleEvents.model_json_schema(), sort_keys=True).encode())
    return PromptTemplate(version, system, tuple(examples), user, user_source, digest.hexdigest()[:12])


def article_hash(messages: list[Message]) -> str:
    """Hash of the article message (text, outlet, date, chunk): the cache key's article part."""
    return hashlib.sha256(messages[-1]["content"].encode("utf-8")).hexdigest()[:16]


def describe(template: PromptTemplate) -> dict[str, Any]:
    return {
        "version": template.version,
        "hash": template.hash,
        "examples": len(template.examples) // 2,
        "system_chars": len(template.system),
    }
