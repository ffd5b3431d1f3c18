"""Which Norwegian spaCy pipeline coder uses, and why.

``load_pipeline(setting)`` tries, in this order, and keeps what it skipped and why in ``Loaded.tried``:

1. ``setting`` — the project's ``nlp_model``: an installed package name or a folder with a saved pipeline;
   if it does not load, the reason becomes a warning and the search goes on;
2. an installed ``nb_core_news_lg``, ``_md``, ``_sm`` (found the way spaCy finds packages; never downloaded);
3. the pipeline bundled in the package (:data:`BUNDLED`, trained by ``coder model train``);
4. ``spacy.blank("nb")`` with a sentencizer and a lookup lemmatizer over every full form of Norsk Ordbank
   (the nb tables of spacy-lookups-data) — the last resort, with a warning that entities and tags are missing.

Every pipeline gets the domain tokenizer (:func:`coder.nlp.tokenizer.customize_tokenizer`). Results are cached
in-process per (setting, exclude): the TUI, the CLI and the annotation worker share one loaded pipeline.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Token

# Importing these registers the bundled pipeline's own components (coder_name_mentions, coder_ordbank_lemmas).
from coder.nlp import mentions, ordbank  # noqa: F401

#: The pipeline shipped inside the package (``coder model train`` writes it; see coder.nlp.training).
BUNDLED = Path(__file__).with_name("model")
#: Published Norwegian pipelines a user may have installed, best first.
INSTALLED = ("nb_core_news_lg", "nb_core_news_md", "nb_core_news_sm")
NORWEGIAN = ("nb", "no", "nn")

BLANK_WARNING = (
    "no trained Norwegian pipeline was found, so entities (the anonymisation check) and part-of-speech tags "
    "are missing and lemmas come from the Norsk Ordbank dictionary only"
)

ORIGINS = {
    "setting": "the project's setting nlp_model",
    "installed": "an installed spaCy package",
    "bundled": "the pipeline bundled with coder",
    "blank": "blank nb + Ordbank lookups (last resort)",
}


@dataclass
class Loaded:
    """A loaded pipeline and where it came from."""

    nlp: Language
    name: str
    version: str
    origin: str  # "setting" | "installed" | "bundled" | "blank"
    path: str | None = None
    warning: str | None = None
    tried: list[tuple[str, str]] = field(default_factory=list)  # (candidate, why it was skipped)


_cache: dict[tuple, Loaded] = {}
_lock = threading.Lock()


def load_pipeline(setting: str | None = None, *, exclude: list[str] | None = None) -> Loaded:
    """The first pipeline of the loading order that loads (cached per setting and exclude)."""
    key = (setting or None, tuple(sorted(exclude or ())), str(BUNDLED), INSTALLED)
    with _lock:
        if key not in _cache:
            _cache[key] = _load(setting or None, list(exclude or ()))
        return _cache[key]


def clear_cache() -> None:
    """Forget loaded pipelines (after ``coder model use`` or a retrain; tests)."""
    with _lock:
        _cache.clear()


def check_setting(setting: str, *, exclude: list[str] | None = None) -> Loaded:
    """Load ``setting`` alone (no fallback); raises ``ValueError`` with the reason when it does not load."""
    nlp, path = _load_setting(setting, list(exclude or ()))
    return _finish(nlp, "setting", path, [], [])


def _load(setting: str | None, exclude: list[str]) -> Loaded:
    tried: list[tuple[str, str]] = []
    notes: list[str] = []
    if setting:
        try:
            nlp, path = _load_setting(setting, exclude)
            return _finish(nlp, "setting", path, tried, notes)
        except ValueError as exc:
            tried.append((setting, str(exc)))
            notes.append(f"the project's model {setting!r} did not load ({exc})")
    for name in INSTALLED:
        if not spacy.util.is_package(name):
            tried.append((name, "not installed"))
            continue
        try:
            nlp = spacy.load(name, exclude=exclude)
        except Exception as exc:  # a broken or incompatible package: note it and go on
            tried.append((name, _reason(exc)))
            continue
        return _finish(nlp, "installed", _package_path(name), tried, notes)
    bundled = Path(BUNDLED)
    if not (bundled / "config.cfg").is_file():
        tried.append((str(bundled), "not there (train it with: coder model train)"))
    else:
        try:
            nlp = spacy.load(bundled, exclude=exclude)
            return _finish(nlp, "bundled", str(bundled), tried, notes)
        except Exception as exc:
            tried.append((str(bundled), _reason(exc)))
    nlp = blank_pipeline(exclude)
    notes.append(BLANK_WARNING)
    return _finish(nlp, "blank", None, tried, notes)


def _load_setting(setting: str, exclude: list[str]) -> tuple[Language, str | None]:
    """A package name or a pipeline folder → (nlp, path); ``ValueError`` saying why not."""
    value = setting.strip()
    path = Path(value).expanduser()
    try:
        if path.is_dir():
            if not (path / "config.cfg").is_file():
                raise ValueError("no config.cfg, so not a saved spaCy pipeline")
            return spacy.load(path, exclude=exclude), str(path.resolve())
        if path.exists():
            raise ValueError("a file, not a pipeline folder")
        if spacy.util.is_package(value):
            return spacy.load(value, exclude=exclude), _package_path(value)
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(_reason(exc)) from exc
    raise ValueError("neither an installed spaCy package nor a pipeline folder that exists")


def _finish(nlp: Language, origin: str, path: str | None, tried: list, notes: list[str]) -> Loaded:
    from coder.nlp.tokenizer import customize_tokenizer

    customize_tokenizer(nlp)
    meta = nlp.meta
    if origin == "blank":
        name, version = "blank:nb", spacy.__version__
    else:
        name, version = f"{meta.get('lang', nlp.lang)}_{meta.get('name', 'pipeline')}", str(meta.get("version", ""))
        if nlp.lang not in NORWEGIAN:
            notes.append(f"{name} is a pipeline for the language {nlp.lang!r}, not Norwegian")
        wanted = meta.get("spacy_version")
        if wanted and not spacy.util.is_compatible_version(spacy.__version__, wanted):
            notes.append(f"{name} was made for spaCy {wanted}, this is {spacy.__version__}")
    warning = "; ".join(notes) if notes else None
    return Loaded(nlp, name, version, origin, path, warning, list(tried))


def _package_path(name: str) -> str | None:
    try:
        return str(spacy.util.get_package_path(name))
    except Exception:
        return None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


# -- the last resort ---------------------------------------------------------------------------------------------


class OrdbankLemmatizer(Lemmatizer):
    """spaCy's lookup lemmatizer over Norsk Ordbank, for a pipeline without part-of-speech tags.

    A word is looked up as written, then in lower case (``Henvisningene``): first in the small ``nb_lemma_lookup``
    table (pronouns, determiners, abbreviations), then among the full forms of nouns, verbs, adjectives and
    adverbs (:func:`coder.nlp.ordbank.forms`, shared with the compound splitter and the bundled pipeline's lemma
    check) — nouns first, as no tag tells which reading is meant and nouns matter most for codebook keywords. A
    lower-case word Ordbank lacks gets the lemma of its longest known noun tail (``kompetanseløftsatsingen``).
    """

    def lookup_lemmatize(self, token: Token) -> list[str]:
        small = self.lookups.get_table("lemma_lookup", {})
        text = token.text
        tables = ordbank.forms()
        for form in (text, text.lower()) if not text.islower() else (text,):
            lemma = small.get(form)
            if lemma is not None:
                return [lemma]
            for pos in ("noun", "verb", "adj", "adv"):
                found = tables.get(pos, {}).get(form)
                if found:
                    return [found]
        if text.islower() and text.isalpha():
            tail = ordbank.ordbank_lemma(text, "noun")
            if tail:
                return [tail]
        return [text]


@Language.factory(
    "coder_ordbank_lemmatizer",
    assigns=["token.lemma"],
    default_config={
        "model": None,
        "mode": "lookup",
        "overwrite": False,
        "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"},
    },
)
def make_ordbank_lemmatizer(nlp: Language, name: str, model, mode: str, overwrite: bool, scorer):
    return OrdbankLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


def blank_pipeline(exclude: list[str] | None = None) -> Language:
    """``spacy.blank("nb")`` + a sentencizer + the Ordbank lookup lemmatizer (when spacy-lookups-data is there)."""
    exclude = exclude or []
    nlp = spacy.blank("nb")
    if "sentencizer" not in exclude:
        nlp.add_pipe("sentencizer")
    if "lemmatizer" not in exclude:
        from spacy.lookups import load_lookups

        try:
            lookups = load_lookups("nb", ["lemma_lookup"])
            ordbank.forms()  # load the full forms now, not on the first word
        except (ImportError, ValueError, OSError):
            return nlp  # no spacy-lookups-data: tokens keep their form as lemma
        nlp.add_pipe("coder_ordbank_lemmatizer", name="lemmatizer")
        nlp.get_pipe("lemmatizer").initialize(lookups=lookups)
    return nlp


# -- for display -------------------------------------------------------------------------------------------------

SCORES = (
    ("pos_acc", "POS"),
    ("morph_acc", "morph"),
    ("lemma_acc", "lemma"),
    ("tag_acc", "tag"),
    ("dep_las", "LAS"),
    ("sents_f", "sentences F"),
    ("ents_p", "NER P"),
    ("ents_r", "NER R"),
    ("ents_f", "NER F"),
)


def describe(loaded: Loaded) -> list[tuple[str, str]]:
    """Rows (label, value) that say what is loaded: for ``coder model info`` and the TUI."""
    nlp, meta = loaded.nlp, loaded.nlp.meta
    rows = [
        ("name", loaded.name),
        ("version", loaded.version or "—"),
        ("origin", f"{loaded.origin}: {ORIGINS.get(loaded.origin, loaded.origin)}"),
        ("path", loaded.path or "—"),
        ("components", ", ".join(nlp.pipe_names) or "none (tokenizer only)"),
    ]
    labels = []
    for name in nlp.pipe_names:
        pipe_labels = getattr(nlp.get_pipe(name), "labels", None) or ()
        if pipe_labels:
            shown = f" ({', '.join(pipe_labels)})" if name == "ner" or len(pipe_labels) <= 6 else ""
            labels.append(f"{name} {len(pipe_labels)}{shown}")
    rows.append(("labels", "; ".join(labels) or "—"))
    performance = meta.get("performance") or {}
    scores = [
        f"{label} {performance[key]:.3f}"
        for key, label in SCORES
        if isinstance(performance.get(key), (int, float)) and performance.get(key) is not None
    ]
    if scores:
        split = (meta.get("coder") or {}).get("scores_split")
        rows.append(("scores" + (f" ({split.split()[0]})" if split else ""), " · ".join(scores)))
    about = meta.get("coder") or {}
    for label, figures, after in (
        ("scores (dev)", about.get("dev"), ""),
        ("nb_core_news_sm", about.get("reference_nb_core_news_sm"), " (published, dev)"),
    ):
        shown = [f"{name} {figures[key]:.3f}" for key, name in SCORES if isinstance((figures or {}).get(key), float)]
        if shown:
            rows.append((label, " · ".join(shown) + after))
    domain = (meta.get("coder") or {}).get("domain_lemmas")
    if isinstance(domain, dict) and "total" in domain:
        rows.append(("domain lemmas", f"{domain.get('correct')}/{domain.get('total')} right"))
    if meta.get("license"):
        rows.append(("licence", str(meta["license"])))
    for source in meta.get("sources") or []:
        if isinstance(source, dict):
            text = source.get("name", "")
            extra = ", ".join(str(source[k]) for k in ("author", "license") if source.get(k))
            rows.append(("source", f"{text} ({extra})" if extra else text))
        else:
            rows.append(("source", str(source)))
    for candidate, why in loaded.tried:
        rows.append(("skipped", f"{candidate}: {why}"))
    if loaded.warning:
        rows.append(("warning", loaded.warning))
    return rows
