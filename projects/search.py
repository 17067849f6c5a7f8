"""Full-text search of the achievement catalogue, in English and Chinese.

PostgreSQL has no Chinese word segmenter built in (zhparser and pg_jieba are extensions the
embedded server and most managed databases lack). So the search vector, maintained by a
database trigger (migration 0002), holds two parts:

* the text through the ``english`` configuration (stemmed English words, numbers);
* every run of CJK characters cut into overlapping **unigrams and bigrams** through the
  ``simple`` configuration ("甲醇制烯烃" → 甲 甲醇 醇 醇制 制 制烯 烯 烯烃 烃).

A query is cut the same way: its Latin words go to ``plainto_tsquery('english', ...)``, its
CJK runs become bigrams (a single character stays a unigram) that must all be present. This
is the technique of Lucene's CJK analyzer: it finds every Chinese word of two or more
characters without a dictionary, at the price of some false positives on word boundaries,
which the ranking (title A, summary B, IP titles C) pushes down.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery

# CJK unified ideographs (with extension A and compatibility ideographs).
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_query_tokens(text: str) -> list[str]:
    """The bigrams of each CJK run of ``text``; a one-character run stays a unigram."""
    tokens: list[str] = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def search_query(text: str) -> SearchQuery | None:
    """The tsquery for a user's search box, or None when it holds nothing searchable."""
    text = (text or "").strip()[:200]
    latin = CJK_RUN.sub(" ", text).strip()
    query = None
    if re.search(r"\w", latin):
        query = SearchQuery(latin, config="english", search_type="plain")
    tokens = cjk_query_tokens(text)
    if tokens:
        cjk = SearchQuery(" ".join(tokens), config="simple", search_type="plain")
        query = cjk if query is None else query & cjk
    return query
