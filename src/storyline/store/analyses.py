"""The store's analyses: what the understanding stage found in each article, the embeddings it
computed (cached by model and text, never computed twice), each article's vector, and the articles
a later stage failed on (kept with the reason, retried on the next run)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, and_, delete, insert, or_, select, update

from storyline.model import Analysis
from storyline.store.records import analysis_of, text_hash
from storyline.store.schema import analyses, article_failures, article_vectors, articles, embeddings

__all__ = ["AnalysisQueries"]


class AnalysisQueries:
    engine: Engine
    reader: Engine

    def save_analysis(self, article_id: int, text: str, analysis: Analysis) -> None:
        values = {
            **analysis.to_record(),
            "text_hash": text_hash(text),
            "analyzed_at": datetime.now(UTC),
        }
        with self.engine.begin() as connection:
            connection.execute(delete(analyses).where(analyses.c.article_id == article_id))
            connection.execute(insert(analyses).values(article_id=article_id, **values))

    def analysis(self, article_id: int) -> Analysis | None:
        with self.reader.connect() as connection:
            row = connection.execute(select(analyses).where(analyses.c.article_id == article_id)).first()
        return analysis_of(row) if row is not None else None

    def articles_needing_analysis(self, *, everything: bool = False) -> list[int]:
        """Latest articles with no analysis, one computed from other text (compared in SQL, by hash),
        or one made before claims existed (schema v7)."""
        query = (
            select(articles.c.id)
            .outerjoin(analyses, analyses.c.article_id == articles.c.id)
            .where(articles.c.is_latest.is_(True))
            .order_by(articles.c.id)
        )
        if not everything:
            query = query.where(
                or_(
                    analyses.c.article_id.is_(None),
                    analyses.c.text_hash != articles.c.text_hash,
                    analyses.c.claims.is_(None),
                )
            )
        with self.reader.connect() as connection:
            return [int(i) for i in connection.execute(query).scalars()]

    # --- embeddings and article vectors -----------------------------------------------------------

    def cached_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        wanted = list(set(hashes))
        with self.reader.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = select(embeddings.c.text_hash, embeddings.c.vector).where(
                    and_(embeddings.c.model == model, embeddings.c.text_hash.in_(wanted[start : start + 500]))
                )
                for key, blob in connection.execute(query):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def save_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        with self.engine.begin() as connection:
            existing = set(
                connection.execute(
                    select(embeddings.c.text_hash).where(
                        and_(embeddings.c.model == model, embeddings.c.text_hash.in_(list(vectors)))
                    )
                ).scalars()
            )
            rows = [
                {"model": model, "text_hash": key, "vector": vector.astype(np.float32).tobytes()}
                for key, vector in vectors.items()
                if key not in existing
            ]
            if rows:
                connection.execute(insert(embeddings), rows)

    def save_article_vector(self, article_id: int, model: str, vector: np.ndarray) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(article_vectors).where(
                    and_(article_vectors.c.article_id == article_id, article_vectors.c.model == model)
                )
            )
            connection.execute(
                insert(article_vectors).values(
                    article_id=article_id, model=model, vector=vector.astype(np.float32).tobytes()
                )
            )

    def article_vectors(self, model: str) -> dict[int, np.ndarray]:
        query = select(article_vectors.c.article_id, article_vectors.c.vector).where(
            article_vectors.c.model == model
        )
        with self.reader.connect() as connection:
            return {int(i): np.frombuffer(blob, dtype=np.float32) for i, blob in connection.execute(query)}

    def article_vectors_for(self, model: str, ids: Sequence[int]) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(article_vectors.c.article_id, article_vectors.c.vector).where(
                    and_(
                        article_vectors.c.model == model,
                        article_vectors.c.article_id.in_(list(ids[start : start + 500])),
                    )
                )
                found.update(
                    {int(i): np.frombuffer(blob, dtype=np.float32) for i, blob in connection.execute(query)}
                )
        return found

    # --- failures ----------------------------------------------------------------------------------

    def record_failure(self, article_id: int, stage: str, reason: str) -> None:
        """A later stage failed on one article: keep why, count the attempts; it is retried on the
        next run and blocks nothing else."""
        now = datetime.now(UTC)
        key = and_(article_failures.c.article_id == article_id, article_failures.c.stage == stage)
        with self.engine.begin() as connection:
            attempts = connection.execute(select(article_failures.c.attempts).where(key)).scalar()
            if attempts is None:
                connection.execute(
                    insert(article_failures).values(
                        article_id=article_id, stage=stage, reason=reason[:2000], attempts=1, at=now
                    )
                )
            else:
                connection.execute(
                    update(article_failures)
                    .where(key)
                    .values(reason=reason[:2000], attempts=attempts + 1, at=now)
                )

    def clear_failures(self, article_ids: Sequence[int], stage: str) -> None:
        if not article_ids:
            return
        with self.engine.begin() as connection:
            connection.execute(
                delete(article_failures).where(
                    and_(article_failures.c.stage == stage, article_failures.c.article_id.in_(article_ids))
                )
            )

    def failures(self) -> list[tuple[int, str, str, int]]:
        """``(article_id, stage, reason, attempts)`` for every article a stage could not finish."""
        with self.reader.connect() as connection:
            rows = connection.execute(
                select(
                    article_failures.c.article_id,
                    article_failures.c.stage,
                    article_failures.c.reason,
                    article_failures.c.attempts,
                ).order_by(article_failures.c.article_id, article_failures.c.stage)
            ).all()
        return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
